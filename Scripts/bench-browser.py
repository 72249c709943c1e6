#!/usr/bin/env python3
"""Runs a command and samples, every 50 ms, the memory of it and of every process it starts (the browser's too,
which may run as another user): the peak of the summed RSS, and of the summed PSS (each shared page counted once
across processes, the honest total). Prints `peak_rss_mb`, `peak_pss_mb`, `processes` (most at once) and the
command's `wall_s`, `cpu_s` (user + system of the command and of every descendant it waited for) on stderr, as
`key value` lines. Exit status: the command's.

Usage: bench-browser.py COMMAND [ARG...]
"""
import os
import resource
import subprocess
import sys
import time


def children_map():
    parents = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as handle:
                stat = handle.read()
            parents[int(entry)] = int(stat[stat.rindex(")") + 2:].split()[1])
        except (OSError, ValueError):
            continue
    return parents


def tree(root):
    parents = children_map()
    found = {root}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in found and pid not in found:
                found.add(pid)
                changed = True
    return found


def memory(pid):
    rss = pss = 0
    try:
        with open("/proc/%d/smaps_rollup" % pid) as handle:
            for line in handle:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def main():
    start = time.monotonic()
    process = subprocess.Popen(sys.argv[1:])
    peak_rss = peak_pss = peak_count = 0
    while process.poll() is None:
        pids = tree(process.pid)
        totals = [memory(pid) for pid in pids]
        peak_rss = max(peak_rss, sum(r for r, _ in totals))
        peak_pss = max(peak_pss, sum(p for _, p in totals))
        peak_count = max(peak_count, len(pids))
        time.sleep(0.05)
    wall = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    sys.stderr.write("wall_s %.2f\ncpu_s %.2f\npeak_rss_mb %.0f\npeak_pss_mb %.0f\nprocesses %d\n" % (
        wall, usage.ru_utime + usage.ru_stime, peak_rss / 1024, peak_pss / 1024, peak_count))
    sys.exit(process.returncode)


if __name__ == "__main__":
    main()
