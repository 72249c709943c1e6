#!/usr/bin/env python3
"""Python difflib on the clause lists dumped by `policywatch-bench diff --dump DIR`.

For each case (DIR/diff-<case>-old.txt / -new.txt, one clause per line) it times, median of N runs:
  align: SequenceMatcher(None, old, new, autojunk=False).get_opcodes() on the clause lists;
  +word: the same plus a word diff of every replaced pair (lines zipped inside each 'replace' opcode), with
         SequenceMatcher on tokens (words and punctuation, whitespace dropped); a third as many runs, at least 3.
"""
import difflib
import re
import statistics
import sys
import time

TOKEN = re.compile(r"\w+|[^\w\s]")


def align(old, new):
    return difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()


def align_and_words(old, new):
    opcodes = align(old, new)
    word_diffs = 0
    for tag, i1, i2, j1, j2 in opcodes:
        if tag != "replace":
            continue
        for a, b in zip(old[i1:i2], new[j1:j2]):
            difflib.SequenceMatcher(None, TOKEN.findall(a), TOKEN.findall(b), autojunk=False).get_opcodes()
            word_diffs += 1
    return opcodes, word_diffs


def timed(function, runs):
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), result


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: bench-diff.py DIR RUNS [CASE…]")
    directory, runs = sys.argv[1], int(sys.argv[2])
    cases = sys.argv[3:] or ["edit10", "rewrite", "replace"]
    for case in cases:
        with open(f"{directory}/diff-{case}-old.txt", encoding="utf-8") as f:
            old = f.read().splitlines()
        with open(f"{directory}/diff-{case}-new.txt", encoding="utf-8") as f:
            new = f.read().splitlines()
        median, fastest, opcodes = timed(lambda: align(old, new), runs)
        equal = sum(i2 - i1 for tag, i1, i2, _, _ in opcodes if tag == "equal")
        print(f"difflib {case} clauses {len(old)}->{len(new)}: align median {median:.2f} ms (min {fastest:.2f}, "
              f"{runs} runs); {equal} equal")
        word_runs = max(3, runs // 3)  # seconds per run on the 20,000-clause cases
        median, fastest, (_, word_diffs) = timed(lambda: align_and_words(old, new), word_runs)
        print(f"difflib {case} clauses {len(old)}->{len(new)}: align+word diffs median {median:.2f} ms "
              f"(min {fastest:.2f}, {word_runs} runs); word diffs {word_diffs}")


if __name__ == "__main__":
    main()
