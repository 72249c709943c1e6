#!/usr/bin/env python3
"""Fidelity of PolicyWatch's extraction against Open Terms Archive's own versions.

For every single-page document of the corpus (combine documents, whose snapshot files carry `#<page>`, are
skipped), for every OTA version in versions.jsonl: extract the snapshot the version was made from with the rules
in force at the snapshot's time (`policywatch-bench extract-text`, which uses ReplayDeclaration.declaration(at:)),
and compare the visible text with OTA's Markdown of that version (versions/<commit>.md, Markdown markup, list
markers and link targets stripped).

Similarity: word level, 2*M/(len(a)+len(b)) where M is the number of words difflib.SequenceMatcher matches
between the two word sequences (words = runs of letters/digits, case kept; punctuation is not compared because
Markdown escapes and table syntax make it unreliable on OTA's side).

Documents whose declaration (at any time) uses JavaScript `filters` are reported apart: OTA runs those filters,
PolicyWatch does not, so their text is expected to differ.

Usage: eval-extraction.py --bench PATH [--corpus DIR] [--work DIR] [--details DIR]
"""

import argparse
import difflib
import glob
import html
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile

WORD = re.compile(r"\w+", re.UNICODE)


def strip_markdown(text):
    """OTA's Markdown → the visible text a reader sees (roughly what a browser shows)."""
    out = []
    for line in text.splitlines():
        s = line
        # Table separator rows: | --- | :---: |
        if re.fullmatch(r"\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*", s):
            continue
        if re.fullmatch(r"\s*=+\s*", s):  # setext heading underline (a "---" one is taken as a rule below)
            continue
        s = re.sub(r"^\s{0,3}#{1,6}\s+", "", s)  # headings
        s = re.sub(r"^\s*>\s?", "", s)  # quotes
        s = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", s)  # list markers (rendered by CSS, not text)
        s = re.sub(r"^\s*(?:[-*_]\s*){3,}$", "", s)  # horizontal rules
        s = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", s)  # images → alt
        # Links [text](target "title") → text; repeat for nested brackets.
        for _ in range(3):
            s = re.sub(r"\[([^\[\]]*)\]\((?:[^()]|\([^()]*\))*\)", r"\1", s)
        s = re.sub(r"<br\s*/?>", " ", s, flags=re.I)
        # Inline HTML turndown leaves (not literal "<pixelID>"-like text, which OTA does not escape).
        s = re.sub(r"</?(?:span|sup|sub|div|p|a|b|i|u|em|strong|img|small|mark|abbr|code)\b[^>]*>", " ", s, flags=re.I)
        # Strong/emphasis markers: OTA's Markdown (turndown) escapes every literal "*" and "_" ("\_" in cookie
        # names), so an unescaped one is markup.
        s = re.sub(r"(?<!\\)[*_]+", "", s)
        s = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~])", r"\1", s)  # escapes
        s = html.unescape(s)
        out.append(s)
    return "\n".join(out)


def words(text):
    return WORD.findall(text)


def similarity(a, b):
    if not a and not b:
        return 1.0, []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    matches = sum(block.size for block in matcher.get_matching_blocks())
    diffs = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    return 2.0 * matches / (len(a) + len(b)), diffs


def unpack(corpus, work):
    archives = sorted(glob.glob(os.path.join(corpus, "*.tar.xz")))
    for archive in archives:
        with tarfile.open(archive) as tar:
            # The archives are the project's evaluation data; refuse members escaping the folder.
            if hasattr(tarfile, "data_filter"):
                tar.extractall(work, filter="data")
            else:
                tar.extractall(work)
    return [os.path.dirname(p) for p in sorted(glob.glob(os.path.join(work, "*", "*", "declaration.json")))]


def uses_filters(declaration):
    if declaration.get("filters"):
        return True

    def has(node):
        if isinstance(node, dict):
            if node.get("filter"):
                return True
            return any(has(v) for v in node.values())
        if isinstance(node, list):
            return any(has(v) for v in node)
        return False

    return has(declaration.get("declaration")) or has(declaration.get("history")) or has(
        declaration.get("declaration_git_history"))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", required=True, help="policywatch-bench executable")
    parser.add_argument("--corpus", default=os.path.join(here, "..", "..", "shared", "corpus", "ota-genai-eu"))
    parser.add_argument("--work", help="unpack here (default: a temporary folder, removed at the end)")
    parser.add_argument("--details", help="write per-version word differences here")
    parser.add_argument("--goal", type=float, default=0.98)
    args = parser.parse_args()

    corpus = os.path.abspath(args.corpus)
    if not os.path.isdir(corpus) or not glob.glob(os.path.join(corpus, "*.tar.xz")):
        print(f"eval-extraction: the corpus is absent ({corpus} has no *.tar.xz); nothing evaluated.")
        return 0

    temporary = None
    if args.work:
        work = args.work
        os.makedirs(work, exist_ok=True)
    else:
        temporary = tempfile.TemporaryDirectory(prefix="pw-eval-")
        work = temporary.name
    print(f"unpacking {corpus} into {work} …", flush=True)
    documents = unpack(corpus, work)

    rows = []
    for folder in documents:
        with open(os.path.join(folder, "declaration.json"), encoding="utf-8") as f:
            declaration = json.load(f)
        name = f"{declaration['service']}/{declaration['document']}"
        with open(os.path.join(folder, "versions.jsonl"), encoding="utf-8") as f:
            versions = [json.loads(line) for line in f if line.strip()]
        single = [v for v in versions if v.get("snapshot_file") and "#" not in v["snapshot_file"]
                  and len(v.get("snapshot_files") or [v["snapshot_file"]]) == 1]
        if not single:
            print(f"{name}: combine document, skipped")
            continue
        filtered = uses_filters(declaration)
        out = os.path.join(work, "_extracted", declaration["service"], declaration["document"])
        # Rule commits, to extract "technical" versions (OTA re-extracting an old snapshot after a rule change) with
        # the first rules committed after the snapshot; other versions use the rules in force at the snapshot time.
        commits = sorted(h["date"] for h in (declaration.get("declaration_git_history") or []) if h.get("date"))

        def argument(v):
            path = os.path.join(folder, v["snapshot_file"])
            if v.get("label") == "technical":
                stamp = os.path.basename(v["snapshot_file"]).split(".")[0]
                when = stamp[:10] + stamp[10:].replace("-", ":")
                after = [c for c in commits if c > when]
                if after:
                    return path + "@" + after[0]
            return path

        snapshots = sorted({argument(v) for v in single})
        run = subprocess.run(
            [args.bench, "extract-text", "--declaration", os.path.join(folder, "declaration.json"), "--out", out]
            + snapshots, capture_output=True, text=True)
        if run.returncode != 0:
            print(f"{name}: extract-text failed: {run.stderr.strip()}")
            continue
        scores = []
        errors = []
        for v in single:
            base = os.path.basename(argument(v).split("@")[0])
            md_path = os.path.join(folder, "versions", v["version_commit"] + ".md")
            if not os.path.exists(md_path):
                continue
            with open(md_path, encoding="utf-8") as f:
                expected = words(strip_markdown(f.read()))
            txt = os.path.join(out, base + ".txt")
            if not os.path.exists(txt):
                with open(os.path.join(out, base + ".error"), encoding="utf-8") as f:
                    errors.append((v["version_commit"][:8], v.get("label"), f.read().strip()))
                continue
            with open(txt, encoding="utf-8") as f:
                actual = words(f.read())
            score, diffs = similarity(actual, expected)
            scores.append((score, v["version_commit"][:8], v.get("label")))
            if args.details:
                path = os.path.join(args.details, declaration["service"], declaration["document"])
                os.makedirs(path, exist_ok=True)
                with open(os.path.join(path, f"{v['version_commit'][:8]}.diff.txt"), "w", encoding="utf-8") as f:
                    f.write(f"{score:.4f} {base} label={v.get('label')}\n")
                    for tag, i1, i2, j1, j2 in diffs:
                        f.write(f"{tag}: pw[{' '.join(actual[i1:i2])[:300]}] ota[{' '.join(expected[j1:j2])[:300]}]\n")
        rows.append((name, filtered, scores, errors))

    print()
    print(f"{'document':45} {'filters':8} {'versions':>8} {'mean':>7} {'min':>7} {'errors':>6}")
    groups = {False: [], True: []}
    for name, filtered, scores, errors in rows:
        values = [s for s, _, _ in scores]
        mean = sum(values) / len(values) if values else float("nan")
        low = min(values) if values else float("nan")
        print(f"{name:45} {'JS' if filtered else '-':8} {len(values):8d} {mean:7.4f} {low:7.4f} {len(errors):6d}")
        for commit, label, reason in errors:
            print(f"    version {commit} ({label}): not extracted: {reason}")
        below = [(s, c, l) for s, c, l in scores if s < args.goal]
        for s, c, l in sorted(below)[:5]:
            print(f"    below {args.goal}: version {c} ({l}) {s:.4f}")
        groups[filtered].extend(values)
    for filtered, label in ((False, "without JavaScript filters"), (True, "with JavaScript filters (not run)")):
        values = groups[filtered]
        if values:
            print(f"overall {label}: {len(values)} versions, mean {sum(values) / len(values):.4f}, "
                  f"min {min(values):.4f}")
    if temporary:
        temporary.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
