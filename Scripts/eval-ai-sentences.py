#!/usr/bin/env python3
"""Score `policywatch classify` on AI-training sentences written for PolicyWatch (Scripts/data/ai-training-sentences.tsv).

Usage: eval-ai-sentences.py POLICYWATCH_BINARY [classify options…]

Each row is `set<TAB>expected<TAB>text`, written by the project (no sentence of any corpus): `expected` is
AI_TRAINING (the provider uses users' data to train or improve models), NOT_AI_TRAINING (it says it does not),
SCRAPING_CRAWLING (a ban on others using the site's content for AI: not the provider's practice) or NONE (mentions of
AI that are not data use), optionally followed by `+LABEL` for a label that must also be found (for example
`AI_TRAINING+CHOICE_OPTOUT_CONSENT`: an opt-out). A row is right when the expected label is found and the contrary
one is not: AI_TRAINING without NOT_AI_TRAINING, and the reverse; SCRAPING_CRAWLING with neither; NONE with neither.
`set` says how the row was used: `tuned` rows were written with the rules and the rules were corrected on them;
`written-before-tuning` rows were written before the last rule changes and give the more honest figure.
"""
import subprocess
import sys
from collections import defaultdict

DATA = "Scripts/data/ai-training-sentences.tsv"


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 64
    binary, options = sys.argv[1], sys.argv[2:]
    with open(DATA, encoding="utf-8") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle][1:]
    text = "".join(f"{index}\t{row[2]}\n" for index, row in enumerate(rows))
    output = subprocess.run(
        [binary, "classify", *options], input=text, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    if len(output) != len(rows):
        print(f"eval-ai-sentences: {len(rows)} rows but {len(output)} output lines", file=sys.stderr)
        return 1
    right = defaultdict(int)
    total = defaultdict(int)
    for (group, expected, sentence), line in zip(rows, output):
        found = {label for label in line.split("\t", 1)[1].split("|") if label}
        main_label, *also = expected.split("+")
        ai = {"AI_TRAINING", "NOT_AI_TRAINING"}
        if main_label == "NONE":
            good = not (ai & found)
        elif main_label == "SCRAPING_CRAWLING":
            good = "SCRAPING_CRAWLING" in found and not (ai & found)
        else:
            contrary = "NOT_AI_TRAINING" if main_label == "AI_TRAINING" else "AI_TRAINING"
            good = main_label in found and contrary not in found
        good = good and all(label in found for label in also)
        total[group] += 1
        right[group] += good
        if not good:
            print(f"WRONG [{group}] expected {expected}, found {'|'.join(sorted(found)) or 'nothing'}: {sentence}")
    for group in total:
        print(f"{group}: {right[group]}/{total[group]} right ({100 * right[group] / total[group]:.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
