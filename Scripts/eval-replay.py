#!/usr/bin/env python3
"""Compare PolicyWatch replay events with Open Terms Archive's labelled versions (called by eval-replay.sh).

Usage: eval-replay.py MANIFEST
  MANIFEST: TSV rows `archive<TAB>document dir<TAB>store dir<TAB>log.jsonl<TAB>replay ms`.

Matching: a PolicyWatch `first`/`change` event matches an OTA version when its firstSeen equals the time of a
snapshot the version was made from (the time in the snapshot's file name; for combine documents any of its
snapshot_files). When one snapshot time belongs to several versions (combine documents reuse an unchanged page's
older file), the event goes to the version *triggered* at that time (its newest file) first, then to a genuine
change not yet matched, then by label: change, first, technical, noise kinds. An event at a snapshot that no OTA
version was made from is a change from a snapshot whose text did not change (OTA records every text change), with
one exception, "early": OTA records a version of a combine document only once it holds a fresh snapshot of its
pages, so a page's change can reach OTA's history one or more fetches after the snapshot that first showed it. An
event at such a snapshot is early (not a change from unchanged text) when every clause it added is still in, and
every clause it removed still absent from, the version PolicyWatch holds at the next OTA version's snapshot, and
that next OTA version is a genuine change; the change then counts as found (earlier). If the next OTA version is
noise, the event counts as reported noise.

A `first` event at a snapshot no OTA version was made from is "early first" (not a change from unchanged text) when
the next OTA version is OTA's first record and PolicyWatch still holds the event's text at its snapshot: OTA made its
first version from its latest snapshot once rules that could read the page arrived, while PolicyWatch, reading again
the snapshots the old rules could not read, dates the same text at the first snapshot that showed it.

Declared dates: Scripts/data/ota-genai-declared-dates.tsv holds the date each OTA version declares about itself, read
by hand from OTA's Markdown version. For each first/change event matched to an OTA version (at the same snapshot or
earlier) whose version states a date, the event's declaredDate is compared with it; and for each OTA version that
states one, so is the declared date of the version PolicyWatch held at that version's snapshot (the last
first/change/flap/technical event first seen at or before it).

OTA versions dated after a `technical` version that OTA recorded after the corpus's declarations were exported
(`declarations_commit_date` of declaration.json) were made with rules the corpus does not hold (no entry of
`declaration_git_history` covers them): they are listed as not evaluable, not counted as found or missed.
"""

import collections
import glob
import json
import os
import re
import sys
from datetime import datetime, timezone

NOISE_KINDS = ["noise", "cosmetic", "datefmt", "reltime", "numbering", "chrome", "layout", "locale", "error_page",
               "recovery", "flap"]
PRIORITY = {"change": 0, "first": 1, "technical": 2}
NAME_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z")


def file_time(path):
  """`snapshots/2026-01-26T23-36-07Z#legal.html` -> `2026-01-26T23:36:07Z`."""
  m = NAME_TIME.search(os.path.basename(path))
  if not m:
    raise ValueError(f"snapshot name without a time: {path}")
  return f"{m.group(1)}T{m.group(2)}:{m.group(3)}:{m.group(4)}Z"


def iso(value):
  """Any ISO 8601 UTC timestamp -> `YYYY-MM-DDTHH:MM:SSZ` (seconds precision, like the file names)."""
  if value is None:
    return None
  text = value.replace("Z", "+00:00")
  try:
    moment = datetime.fromisoformat(text)
  except ValueError:
    return value
  if moment.tzinfo is None:
    moment = moment.replace(tzinfo=timezone.utc)
  return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_jsonl(path):
  rows = []
  if not os.path.exists(path):
    return rows
  with open(path, encoding="utf-8") as handle:
    for line in handle:
      line = line.strip()
      if line:
        rows.append(json.loads(line))
  return rows


def version_keys(store, version_id, cache):
  """The multiset of clause comparison keys of one stored version (versions/<id>.json), or None if unknown."""
  if not version_id:
    return None
  if version_id not in cache:
    paths = glob.glob(os.path.join(store, "documents", "*", "*", "versions", version_id + ".json"))
    keys = None
    if paths:
      with open(paths[0], encoding="utf-8") as handle:
        keys = collections.Counter(c.get("key", c.get("text")) for c in json.load(handle).get("clauses", []))
    cache[version_id] = keys
  return cache[version_id]


def persists(event, later_version_id, store, cache):
  """Whether the clauses `event` added are all in, and those it removed all absent from, the later version."""
  new = version_keys(store, event.get("version"), cache)
  old = version_keys(store, event.get("previousVersion"), cache)
  later = version_keys(store, later_version_id, cache)
  if new is None or old is None or later is None:
    return False
  added, removed = new - old, old - new
  if not added and not removed:
    return False
  return all(later[k] >= n for k, n in added.items()) and all(later[k] <= old[k] - n for k, n in removed.items())


def evaluate(archive, doc_dir, store, log_path, millis):
  with open(os.path.join(doc_dir, "declaration.json"), encoding="utf-8") as handle:
    exported = iso(json.load(handle).get("declarations_commit_date"))
  snap_files = sorted(os.listdir(os.path.join(doc_dir, "snapshots")))
  snap_times = {file_time(f) for f in snap_files}
  versions = []
  for row in read_jsonl(os.path.join(doc_dir, "versions.jsonl")):
    files = row.get("snapshot_files") or [row["snapshot_file"]]
    times = {file_time(f) for f in files}
    versions.append({"label": row["label"], "times": times, "trigger": max(times), "date": row["version_date"],
                     "commit": row.get("version_commit"),
                     "files": files, "date_only": row.get("date_only"), "added": row.get("sample_added") or [],
                     "removed": row.get("sample_removed") or [], "matched": [], "early": []})
  # Versions after a technical upgrade OTA made once the corpus's declarations were exported: rules not in the corpus.
  upgrades = sorted(iso(v["date"]) for v in versions if v["label"] == "technical" and exported
                    and iso(v["date"]) > exported)
  for version in versions:
    version["unknown_rules"] = bool(upgrades) and iso(version["date"]) > upgrades[0]
  events = read_jsonl(log_path)
  for event in events:
    event["_t"] = iso(event.get("firstSeen"))
  events.sort(key=lambda e: (e["_t"] or "", str(e.get("id"))))
  timelines = glob.glob(os.path.join(store, "documents", "*", "*", "timeline.jsonl"))
  timeline = collections.defaultdict(list)
  outcomes = collections.Counter()
  for path in timelines:
    for entry in read_jsonl(path):
      outcomes[entry.get("outcome")] += 1
      timeline[iso(entry.get("time"))].append(entry)

  by_trigger = collections.defaultdict(list)
  by_time = collections.defaultdict(list)
  for version in versions:
    by_trigger[version["trigger"]].append(version)
    for t in version["times"]:
      by_time[t].append(version)

  def rank(version):
    unmatched_change = version["label"] == "change" and not version["matched"]
    return (0 if unmatched_change else 1, PRIORITY.get(version["label"], 3))

  keys_cache = {}
  classified = []  # (event, category, version or None)
  for event in events:
    if event.get("kind") not in ("first", "change"):
      continue
    t = event["_t"]
    candidates = by_trigger.get(t) or by_time.get(t) or []
    if not candidates:
      category = "unrecorded" if t in snap_times else "unknown-time"
      later = [v for v in versions if v["trigger"] > t]
      if category == "unrecorded" and event.get("kind") == "first" and later:
        nxt = min(later, key=lambda v: v["trigger"])
        # The version PolicyWatch held at that snapshot, by its events (a re-read dates them before its line).
        held = [e.get("version") for e in events if e.get("kind") in ("first", "change", "flap", "technical")
                and e["_t"] and e["_t"] <= nxt["trigger"]]
        if nxt["label"] == "first" and held and held[-1] == event.get("version"):
          nxt["matched"].append(event)
          nxt["early"].append(event)
          classified.append((event, "first", nxt))
          continue
      if category == "unrecorded" and event.get("kind") == "change" and later:
        nxt = min(later, key=lambda v: v["trigger"])
        held = [e.get("version") for e in timeline.get(nxt["trigger"], []) if e.get("version")]
        if held and persists(event, held[-1], store, keys_cache):
          if nxt["label"] == "change":
            nxt["early"].append(event)
            classified.append((event, "early", nxt))
            continue
          if nxt["label"] in NOISE_KINDS:
            nxt["matched"].append(event)
            classified.append((event, "noise", nxt))
            continue
      classified.append((event, category, None))
      continue
    version = sorted(candidates, key=rank)[0]
    version["matched"].append(event)
    label = version["label"]
    category = label if label in ("change", "first", "technical") else "noise"
    classified.append((event, category, version))

  event_times = {e["_t"] for e in events if e.get("kind") in ("first", "change")}
  kinds = collections.Counter(e.get("kind") for e in events)
  labels = collections.Counter(v["label"] for v in versions)
  unknown = [v for v in versions if v["label"] == "change" and v["unknown_rules"]]
  genuine = [v for v in versions if v["label"] == "change" and not v["unknown_rules"]]
  found = [v for v in genuine if v["times"] & event_times]
  early = [v for v in genuine if not (v["times"] & event_times) and v["early"]]
  missed = [v for v in genuine if not (v["times"] & event_times) and not v["early"]]
  noise_hits = [(e, v) for e, c, v in classified if c == "noise"]
  raw_bytes = sum(os.path.getsize(os.path.join(doc_dir, "snapshots", f)) for f in snap_files)
  return {
    "archive": archive, "name": archive[: -len(".tar.xz")].replace("__", "/"), "snapshots": len(snap_files),
    "raw_bytes": raw_bytes, "millis": millis, "versions": versions, "events": events, "classified": classified,
    "kinds": kinds, "labels": labels, "genuine": genuine, "found": found, "early": early,
    "missed": missed, "unknown": unknown, "early_events": [e for e, c, _ in classified if c == "early"],
    "noise_hits": noise_hits, "ota_noise": sum(labels[k] for k in NOISE_KINDS),
    "unrecorded": [e for e, c, _ in classified if c in ("unrecorded", "unknown-time")],
    "at_technical": [e for e, c, _ in classified if c == "technical"],
    "at_first": [e for e, c, _ in classified if c == "first"], "timeline": timeline, "outcomes": outcomes,
    "snap_times": sorted(snap_times),
  }


def describe_timeline(result, times):
  parts = []
  for t in sorted(times):
    entries = result["timeline"].get(t, [])
    if not entries:
      parts.append(f"{t}: no timeline entry")
    for entry in entries:
      evs = ",".join(ev.get("kind", "?") if isinstance(ev, dict) else str(ev) for ev in entry.get("events") or [])
      reason = entry.get("reason")
      parts.append(f"{t}: {entry.get('outcome')}" + (f" events=[{evs}]" if evs else "")
                   + (f" reason={reason!r}" if reason else "") + f" version={entry.get('version')}")
  return "; ".join(parts)


def nearest_changes(result, t):
  times = sorted(e["_t"] for e in result["events"] if e.get("kind") in ("first", "change"))
  before = [x for x in times if x < t]
  after = [x for x in times if x > t]
  return (before[-1] if before else None), (after[0] if after else None)


def read_gold(path):
  """document -> version_commit -> (declared ISO date or "", kind)."""
  gold = collections.defaultdict(dict)
  if not os.path.exists(path):
    return gold
  with open(path, encoding="utf-8") as handle:
    for line in handle:
      if line.startswith("#") or line.startswith("document\t") or not line.strip():
        continue
      document, commit, declared, kind = (line.rstrip("\n").split("\t") + ["", ""])[:4]
      gold[document][commit] = (declared, kind)
  return gold


def dates_report(rows, gold):
  """Declared dates of PolicyWatch's events and versions against the dates OTA's versions declare."""
  events_right, events_wrong, events_extra, versions_right, versions_wrong = [], [], [], [], []
  for r in rows:
    truth = gold.get(r["name"], {})
    for e, c, v in r["classified"]:
      if c not in ("first", "change", "early") or v is None or v.get("commit") not in truth:
        continue
      declared = truth[v["commit"]][0]
      if not declared:
        if e.get("declaredDate"):
          events_extra.append((r["name"], e, v))
        continue
      (events_right if e.get("declaredDate") == declared else events_wrong).append((r["name"], e, v, declared))
    # At one time, a technical re-extraction comes before the change it makes way for.
    states = sorted((e for e in r["events"] if e.get("kind") in ("first", "change", "flap", "technical")),
                    key=lambda e: (e["_t"] or "", 0 if e.get("kind") == "technical" else 1))
    for v in r["versions"]:
      declared = truth.get(v.get("commit"), ("", ""))[0]
      if not declared or v["unknown_rules"]:
        continue
      held = [e for e in states if e["_t"] and e["_t"] <= v["trigger"]]
      reported = held[-1].get("declaredDate") if held else None
      (versions_right if reported == declared else versions_wrong).append((r["name"], v, declared, reported))
  print("Declared dates (Scripts/data/ota-genai-declared-dates.tsv, read from OTA's Markdown versions):")
  n = len(events_right) + len(events_wrong)
  print(f"  first/change events whose OTA version states a date: {len(events_right)}/{n} right"
        + (f" ({100.0 * len(events_right) / n:.1f} %)" if n else ""))
  for name, e, v, declared in events_wrong:
    print(f"    WRONG {name} {e['_t']} {e.get('kind')}: reported {e.get('declaredDate')}, the version states {declared}")
  for name, e, v in events_extra:
    print(f"    EXTRA {name} {e['_t']} {e.get('kind')}: reported {e.get('declaredDate')}, the version states none")
  m = len(versions_right) + len(versions_wrong)
  print(f"  OTA versions that state a date, date of the version PolicyWatch held: {len(versions_right)}/{m} right"
        + (f" ({100.0 * len(versions_right) / m:.1f} %)" if m else ""))
  wrong = collections.Counter((name, declared, reported) for name, v, declared, reported in versions_wrong)
  for (name, declared, reported), count in sorted(wrong.items()):
    print(f"    WRONG {name}: {count} version(s) state {declared}, PolicyWatch held {reported}")
  print()


def main():
  rows = []
  with open(sys.argv[1], encoding="utf-8") as handle:
    for line in handle:
      archive, doc_dir, store, log_path, millis = line.rstrip("\n").split("\t")
      rows.append(evaluate(archive, doc_dir, store, log_path, int(millis)))

  header = ["document", "snaps", "OTA chg", "found", "early", "missed", "n/e", "OTA noise", "PW@noise", "PW@unchg", "PW@tech",
            "flap PW/OTA", "inacc PW/err", "recov PW/OTA", "tech PW/OTA", "failed"]
  table = []
  total = collections.Counter()
  for r in rows:
    k, lab = r["kinds"], r["labels"]
    cells = {
      "snaps": r["snapshots"], "OTA chg": len(r["genuine"]), "found": len(r["found"]), "early": len(r["early"]),
      "missed": len(r["missed"]), "n/e": len(r["unknown"]),
      "OTA noise": r["ota_noise"], "PW@noise": len(r["noise_hits"]), "PW@unchg": len(r["unrecorded"]),
      "PW@tech": len(r["at_technical"]), "flap": (k["flap"], lab["flap"]),
      "inacc": (k["inaccessible"], lab["error_page"]), "recov": (k["recovered"], lab["recovery"]),
      "tech": (k["technical"], lab["technical"]), "failed": r["outcomes"]["failed"],
    }
    for key, value in cells.items():
      if isinstance(value, tuple):
        total[key + "/pw"] += value[0]
        total[key + "/ota"] += value[1]
      else:
        total[key] += value
    table.append([r["name"], cells["snaps"], cells["OTA chg"], cells["found"], cells["early"], cells["missed"],
                  cells["n/e"], cells["OTA noise"],
                  cells["PW@noise"], cells["PW@unchg"], cells["PW@tech"], "%d/%d" % cells["flap"],
                  "%d/%d" % cells["inacc"], "%d/%d" % cells["recov"], "%d/%d" % cells["tech"], cells["failed"]])
  table.append(["TOTAL", total["snaps"], total["OTA chg"], total["found"], total["early"], total["missed"],
                total["n/e"], total["OTA noise"],
                total["PW@noise"], total["PW@unchg"], total["PW@tech"],
                f"{total['flap/pw']}/{total['flap/ota']}", f"{total['inacc/pw']}/{total['inacc/ota']}",
                f"{total['recov/pw']}/{total['recov/ota']}", f"{total['tech/pw']}/{total['tech/ota']}",
                total["failed"]])
  widths = [max(len(str(row[i])) for row in table + [header]) for i in range(len(header))]
  line = lambda row: "| " + " | ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                                        for i, (c, w) in enumerate(zip(row, widths))) + " |"
  print()
  print("PolicyWatch replay vs OTA labels. found = genuine OTA changes PolicyWatch reported at the same snapshot;")
  print("early = reported at an earlier snapshot that already showed them (OTA recorded the combine document later);")
  print("n/e = not evaluable (made with rules the corpus does not hold); PW@noise / PW@unchg / PW@tech = PolicyWatch")
  print("first/change events at a snapshot OTA labels noise of any kind / at which OTA recorded no version and that")
  print("is not early / OTA labels technical)")
  print(line(header))
  print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
  for row in table:
    print(line(row))
  print()

  noise_kinds = collections.Counter(v["label"] for r in rows for _, v in r["noise_hits"])
  ota_noise_kinds = collections.Counter({k: sum(r["labels"][k] for r in rows) for k in NOISE_KINDS})
  print("OTA noise versions by kind:", ", ".join(f"{k} {n}" for k, n in ota_noise_kinds.items() if n))
  print("PolicyWatch change events at OTA noise, by kind:",
        ", ".join(f"{k} {n}" for k, n in noise_kinds.most_common()) or "none")
  outcomes = collections.Counter()
  for r in rows:
    outcomes.update(r["outcomes"])
  print("timeline outcomes:", ", ".join(f"{k} {n}" for k, n in outcomes.most_common()))
  print()

  for r in rows:
    details = []
    for v in r["missed"]:
      t = v["trigger"]
      before, after = nearest_changes(r, t)
      details.append(f"  MISSED change {v['date']} files={[os.path.basename(f) for f in v['files']]}"
                     f"{' date_only' if v['date_only'] else ''}\n"
                     f"    PolicyWatch: {describe_timeline(r, v['times'])}\n"
                     f"    nearest PolicyWatch change events: before {before}, after {after}\n"
                     f"    OTA added {v['added'][:2]!r} removed {v['removed'][:2]!r}")
    for e, c, v in r["classified"]:
      if c == "first" and e in v["early"]:
        details.append(f"  EARLY FIRST {e['_t']}: the text of OTA's first record ({v['trigger']}), shown since this"
                       f" snapshot (read again with the rules OTA's first record was made with)")
      if c == "early":
        details.append(f"  EARLY {e['_t']} kind={e.get('kind')} clauses={e.get('clauses')}: first snapshot showing"
                       f" (part of) the genuine change OTA recorded at {v['date']}"
                       + ("" if v in r["early"] else " (also reported there)"))
    for v in r["unknown"]:
      details.append(f"  NOT EVALUABLE change {v['date']}: made after a technical upgrade OTA recorded once the"
                     f" corpus's declarations were exported (rules not in the corpus)\n"
                     f"    PolicyWatch: {describe_timeline(r, v['times'])}")
    for e, v in r["noise_hits"]:
      details.append(f"  NOISE ({v['label']}) {e['_t']} kind={e.get('kind')} flags={e.get('flags')} "
                     f"clauses={e.get('clauses')} version={e.get('version')} previous={e.get('previousVersion')}")
    for e in r["unrecorded"]:
      details.append(f"  UNCHANGED-TEXT {e['_t']} kind={e.get('kind')} flags={e.get('flags')} "
                     f"clauses={e.get('clauses')} version={e.get('version')} previous={e.get('previousVersion')}"
                     + ("" if e["_t"] in r["snap_times"] else " (firstSeen is no snapshot time)"))
    for e in r["at_technical"]:
      details.append(f"  AT-OTA-TECHNICAL {e['_t']} kind={e.get('kind')} clauses={e.get('clauses')}")
    for e in r["events"]:
      if e.get("kind") in ("flap", "technical", "inaccessible", "recovered"):
        labels = sorted({v["label"] for v in r["versions"] if e["_t"] in v["times"]}) or ["no OTA version"]
        details.append(f"  {e.get('kind')} {e['_t']} (OTA: {', '.join(labels)})"
                       + (f" reason={e.get('reason')!r}" if e.get("reason") else ""))
    firsts = [v for v in r["versions"] if v["label"] == "first"]
    if firsts and not r["at_first"]:
      details.append(f"  OTA first record {firsts[0]['trigger']} has no PolicyWatch first/change event")
    if details:
      print(f"{r['name']}:")
      print("\n".join(details))
  print()

  dates_report(rows, read_gold(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                                             "ota-genai-declared-dates.tsv")))

  genuine = total["OTA chg"]
  detected = total["found"] + total["early"]
  ok_found = total["missed"] == 0
  ok_noise = total["PW@noise"] <= 0.05 * total["OTA noise"]
  ok_unchanged = total["PW@unchg"] == 0
  pct = 100.0 * total["PW@noise"] / total["OTA noise"] if total["OTA noise"] else 0.0
  print(f"target: every genuine change found ........ {detected}/{genuine} "
        f"({total['found']} at the same snapshot, {total['early']} earlier) {'OK' if ok_found else 'MISSED'}"
        + (f"; {total['n/e']} more not evaluable (rules not in the corpus)" if total["n/e"] else ""))
  print(f"target: reported noise <= 5% of OTA noise .. {total['PW@noise']}/{total['OTA noise']} = {pct:.1f}% "
        f"{'OK' if ok_noise else 'MISSED'}")
  print(f"target: zero changes from unchanged text .. {total['PW@unchg']} {'OK' if ok_unchanged else 'MISSED'}")
  sys.exit(0 if ok_found and ok_noise and ok_unchanged else 1)


if __name__ == "__main__":
  main()
