#!/usr/bin/env python3
"""Helper of Scripts/bench-check.sh: lays out N served pages and their declarations, swaps pages, summarises.

  bench-check.py layout WORK UNPACKED_DIR PORT COUNT HOSTS
      Picks, in each unpacked corpus document, the snapshot of every genuine OTA version (labels `first` and
      `change`, up to the first `technical` one, after which the rules differ) whose size is 0.3-0.6 MB. Document i of
      COUNT uses source document i % S and version j = (i // S) % V of it: WORK/pages/<i>.html is a hardlink to
      that snapshot, its declaration (WORK/declarations/Bench NNN.json, 4 documents per service) carries the
      source's real `select`/`remove`, its URL is http://127.0.0.<1 + i % HOSTS>:PORT/dir/<i>.html.
      Writes WORK/plan.json (which snapshot is version A and B of each page) and WORK/urlwatch/urls.yaml (the same
      URLs, css filter with the same select/exclude the remove selectors, then html2text).
  bench-check.py swap WORK A|B
      Points every page at its snapshot A or B (B = the next genuine version of the same document, so every
      page's text really changes). Each replacement is a new hardlink renamed over the old one.
  bench-check.py summary EVENTS_FILE
      Counts the JSON events `policywatch check --format json` printed, by kind/outcome.
"""
import json
import os
import sys

MIN_BYTES = 300_000
MAX_BYTES = 600_000
DOCUMENTS_PER_SERVICE = 4


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def sources(unpacked):
    """Every single-page corpus document under `unpacked` with its genuine versions' snapshots (sorted by name)."""
    found = []
    for root, _, files in sorted(os.walk(unpacked)):
        if "declaration.json" not in files or "versions.jsonl" not in files:
            continue
        with open(os.path.join(root, "declaration.json"), encoding="utf-8") as handle:
            meta = json.load(handle)
        declaration = meta["declaration"]
        if "combine" in declaration or not isinstance(declaration.get("select"), (str, list)):
            continue  # a combine document has several pages per version; keep the benchmark one page each
        snapshots = []
        with open(os.path.join(root, "versions.jsonl"), encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                if row.get("label") == "technical":
                    break  # OTA changed its rules here: later snapshots may not match the current select
                if row.get("label") not in ("first", "change"):
                    continue
                path = os.path.join(root, row["snapshot_file"])
                if os.path.isfile(path) and MIN_BYTES <= os.path.getsize(path) <= MAX_BYTES:
                    snapshots.append(path)
        if len(snapshots) >= 2:
            found.append(
                {
                    "name": "%s/%s" % (meta["service"], meta["document"]),
                    "select": as_list(declaration.get("select")),
                    "remove": as_list(declaration.get("remove")),
                    "snapshots": snapshots,
                }
            )
    return found


def link(target, path):
    temporary = path + ".tmp"
    if os.path.lexists(temporary):
        os.unlink(temporary)
    os.link(target, temporary)
    os.replace(temporary, path)


def yaml_string(text):
    return json.dumps(text)  # a JSON string is a valid YAML flow scalar


def layout(work, unpacked, port, count, hosts):
    found = sources(unpacked)
    if not found:
        sys.exit("bench-check: no corpus document with two genuine versions of 0.3-0.6 MB under %s" % unpacked)
    for folder in ("pages", "declarations", "urlwatch"):
        os.makedirs(os.path.join(work, folder), exist_ok=True)
    plan = []
    services = {}
    jobs = []
    for i in range(count):
        source = found[i % len(found)]
        versions = source["snapshots"]
        j = (i // len(found)) % len(versions)
        page = os.path.join(work, "pages", "%d.html" % i)
        link(versions[j], page)
        plan.append({"page": page, "A": versions[j], "B": versions[(j + 1) % len(versions)]})
        url = "http://127.0.0.%d:%d/dir/%d.html" % (1 + i % hosts, port, i)
        service = "Bench %03d" % (i // DOCUMENTS_PER_SERVICE)
        terms = services.setdefault(service, {})
        entry = {"fetch": url, "select": source["select"]}
        if source["remove"]:
            entry["remove"] = source["remove"]
        terms["Document %d" % (i % DOCUMENTS_PER_SERVICE)] = entry
        css = {"selector": ", ".join(source["select"])}
        if source["remove"]:
            css["exclude"] = ", ".join(source["remove"])
        jobs.append(
            "name: %s\nurl: %s\nfilter:\n  - css:\n%s  - html2text\n"
            % (
                yaml_string("%s/Document %d" % (service, i % DOCUMENTS_PER_SERVICE)),
                yaml_string(url),
                "".join("      %s: %s\n" % (key, yaml_string(value)) for key, value in css.items()),
            )
        )
    for service, terms in services.items():
        with open(os.path.join(work, "declarations", service + ".json"), "w", encoding="utf-8") as handle:
            json.dump({"name": service, "terms": terms}, handle, indent=2)
    with open(os.path.join(work, "plan.json"), "w", encoding="utf-8") as handle:
        json.dump(plan, handle)
    with open(os.path.join(work, "urlwatch", "urls.yaml"), "w", encoding="utf-8") as handle:
        handle.write("---\n".join(jobs))
    distinct = {p["A"] for p in plan} | {p["B"] for p in plan}
    sizes = [os.path.getsize(p) for p in distinct]
    served = sum(os.path.getsize(p["A"]) for p in plan)
    print(
        "layout: %d documents in %d services, %d hosts; %d distinct snapshots of %d corpus documents (%s), "
        "%d-%d bytes each; %.1f MB served per check"
        % (
            count,
            len(services),
            hosts,
            len(distinct),
            len(found),
            ", ".join("%s: %d versions" % (s["name"], len(s["snapshots"])) for s in found),
            min(sizes),
            max(sizes),
            served / 1e6,
        )
    )


def swap(work, which):
    with open(os.path.join(work, "plan.json"), encoding="utf-8") as handle:
        plan = json.load(handle)
    for entry in plan:
        link(entry[which], entry["page"])


def summary(path):
    counts = {}
    lines = 0
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            line = line.strip()
            if not line:
                continue
            lines += 1
            try:
                event = json.loads(line)
            except ValueError:
                counts["(not JSON)"] = counts.get("(not JSON)", 0) + 1
                continue
            key = event.get("kind") or event.get("outcome") or event.get("event") or "?"
            counts[key] = counts.get(key, 0) + 1
    print("%d events: %s" % (lines, ", ".join("%s %d" % item for item in sorted(counts.items())) or "none"))


def main():
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "layout" and len(sys.argv) == 7:
        layout(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]))
    elif command == "swap" and len(sys.argv) == 4 and sys.argv[3] in ("A", "B"):
        swap(sys.argv[2], sys.argv[3])
    elif command == "summary" and len(sys.argv) == 3:
        summary(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
