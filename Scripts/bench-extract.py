#!/usr/bin/env python3
"""Extraction speed, in one run, on real snapshots of the corpus: median per file of
(1) libxml2's bare parse and (2) PolicyWatch's whole extraction (decode + parse + the declaration's remove/select +
clauses + declared dates), both measured by `policywatch-bench extract`, and (3) the path urlwatch uses, Python lxml
+ cssselect + html2text, on the same files with the same selectors.

Usage: bench-extract.py --bench PATH --python VENV_PYTHON [--corpus DIR] [--files N] [--runs N] [DOCUMENT...]
DOCUMENT is "Service/Document" (default: "ChatGPT/Trackers Policy" and "Claude.ai/Terms of Service").
"""

import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile

PYTHON_PATH = r'''
import sys, time, json, statistics
import lxml.html, html2text
from cssselect import GenericTranslator
select, remove, runs, files = json.loads(sys.argv[1])
tr = GenericTranslator()
sel = [tr.css_to_xpath(s) for s in select]
rem = [tr.css_to_xpath(s) for s in remove]
medians = []
for path in files:
    data = open(path, "rb").read()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        root = lxml.html.fromstring(data)
        for x in rem:
            for node in root.xpath(x):
                node.drop_tree()
        parts = [lxml.html.tostring(n, encoding="unicode") for x in sel for n in root.xpath(x)]
        h = html2text.HTML2Text()
        h.body_width = 0
        text = h.handle("".join(parts))
        times.append(time.perf_counter() - t)
    medians.append(statistics.median(times))
print(json.dumps(medians))
'''


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--bench", required=True)
    parser.add_argument("--python", required=True)
    parser.add_argument("--corpus", default=os.path.join(here, "..", "..", "shared", "corpus", "ota-genai-eu"))
    parser.add_argument("--files", type=int, default=25, help="snapshots per document, evenly spaced in time")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("documents", nargs="*", default=["ChatGPT/Trackers Policy", "Claude.ai/Terms of Service"])
    args = parser.parse_args()
    corpus = os.path.abspath(args.corpus)
    if not glob.glob(os.path.join(corpus, "*.tar.xz")):
        print(f"bench-extract: the corpus is absent ({corpus} has no *.tar.xz); nothing measured.")
        return 0
    with tempfile.TemporaryDirectory(prefix="pw-bench-") as work:
        for document in args.documents:
            archive = os.path.join(corpus, document.replace("/", "__") + ".tar.xz")
            if not os.path.exists(archive):
                print(f"{document}: {archive} is absent; skipped")
                continue
            with tarfile.open(archive) as tar:
                tar.extractall(work, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(work)
            folder = os.path.join(work, document)
            rules = json.load(open(os.path.join(folder, "declaration.json"), encoding="utf-8"))["declaration"]
            if not rules or "combine" in rules:
                print(f"{document}: not a single-page declaration; skipped")
                continue
            as_list = lambda v: [] if v is None else (v if isinstance(v, list) else [v])
            select = [s for s in as_list(rules.get("select")) if isinstance(s, str)]
            remove = [s for s in as_list(rules.get("remove")) if isinstance(s, str)]
            snapshots = sorted(p for p in glob.glob(os.path.join(folder, "snapshots", "*.html")) if "#" not in p)
            step = max(1, len(snapshots) // args.files)
            files = snapshots[::step][: args.files]
            command = [args.bench, "extract", "--runs", str(args.runs)]
            for s in select:
                command += ["--select", s]
            for s in remove:
                command += ["--remove", s]
            swift = subprocess.run(command + files, capture_output=True, text=True, check=True).stdout
            python = json.loads(subprocess.run(
                [args.python, "-c", PYTHON_PATH, json.dumps([select, remove, args.runs, files])],
                capture_output=True, text=True, check=True).stdout)
            summary = swift.strip().splitlines()[-1]
            parse_ms = float(summary.split("bare parse ")[1].split(" ms")[0])
            extract_ms = float(summary.split("extraction ")[1].split(" ms")[0])
            python_ms = statistics.median(python) * 1000
            print(f"{document}: {len(files)} snapshots, select {select}, remove {remove}, {args.runs} runs each")
            print(f"  libxml2 bare parse        {parse_ms:8.2f} ms")
            print(f"  PolicyWatch extraction    {extract_ms:8.2f} ms   ({extract_ms / parse_ms:.2f}x the bare parse)")
            print(f"  lxml+cssselect+html2text  {python_ms:8.2f} ms   ({python_ms / extract_ms:.1f}x PolicyWatch)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
