#!/usr/bin/env python3
"""Score `policywatch classify` output against the OPP-115 dev split (every practice of a segment labelled).

Usage: eval-classifier-opp.py GOLD.tsv PREDICTIONS.tsv [--errors LABEL]

GOLD.tsv is ../shared/corpus/opp115-segments/dev.tsv (policy_id policy_file segment_id text opp_categories
datause_labels evidence); PREDICTIONS.tsv has lines `policy_id_segment_id<TAB>LABEL|LABEL...`.

Scored labels: the categories OPP-115 annotates (its README) and their NOT_ forms. Every (segment, label) pair is a
decision over all rows: a row without labels is a true negative for every label. Predictions of other categories
(AI training, sale, licences, international transfers, purposes, scraping: OPP-115 predates them) are not scored.
Two micro averages are printed: over the scored categories and all their NOT_ forms (strict: OPP-115 marks only
third-party sharing "does not", so another denial such as NOT_TRACKING always counts as a false positive), and over the
categories and the NOT_ forms that occur in the gold (lenient).
"""
import csv
import sys
from collections import Counter, defaultdict

csv.field_size_limit(10**8)
CATEGORIES = [
    "THIRD_PARTY_SHARING", "AFFILIATE_SHARING_COMBINATION", "ADVERTISING_PROFILING", "TRACKING", "LOCATION_DATA",
    "BIOMETRIC_SENSITIVE_DATA", "CHILDREN", "DATA_RETENTION", "CHOICE_OPTOUT_CONSENT", "GOVERNMENT_LEGAL_DISCLOSURE",
    "BUSINESS_TRANSFER",
]


def prf(t, p, n):
    precision = t / (t + p) if t + p else 0.0
    recall = t / (t + n) if t + n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    show = sys.argv[sys.argv.index("--errors") + 1] if "--errors" in sys.argv else None
    scored = set(CATEGORIES) | {"NOT_" + c for c in CATEGORIES}
    gold, texts = {}, {}
    with open(sys.argv[1], newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            key = f"{r['policy_id']}_{r['segment_id']}"
            gold[key] = {x for x in r["datause_labels"].split("|") if x}
            texts[key] = r["text"]
    predicted = {}
    with open(sys.argv[2], encoding="utf-8") as handle:
        for line in handle:
            key, _, labels = line.rstrip("\n").partition("\t")
            predicted[key] = {x for x in labels.split("|") if x in scored}
    tp, fp, fn = Counter(), Counter(), Counter()
    errors = defaultdict(list)
    for key, truth in gold.items():
        guess = predicted.get(key, set())
        for label in guess & truth:
            tp[label] += 1
        for label in guess - truth:
            fp[label] += 1
            errors[label].append(("FP", key))
        for label in truth - guess:
            fn[label] += 1
            errors[label].append(("FN", key))
    in_gold = {label for truth in gold.values() for label in truth}
    print(f"OPP-115 dev: {len(gold)} segments, {sum(1 for t in gold.values() if t)} with labels")
    print(f"{'label':36} {'prec':>6} {'recall':>6} {'F1':>6} {'support':>8} {'pred':>6}")
    for label in sorted(set(tp) | set(fp) | set(fn)):
        p, r, f = prf(tp[label], fp[label], fn[label])
        print(f"{label:36} {p:6.3f} {r:6.3f} {f:6.3f} {tp[label] + fn[label]:8d} {tp[label] + fp[label]:6d}")
    for name, labels in (("micro (strict: every NOT_ form scored)", scored),
                         ("micro (lenient: NOT_ forms in the gold)", set(CATEGORIES) | (in_gold & scored))):
        p, r, f = prf(sum(tp[x] for x in labels), sum(fp[x] for x in labels), sum(fn[x] for x in labels))
        print(f"{name:44} P {p:.3f} R {r:.3f} F1 {f:.3f}")
    low = [x for x in sorted(set(tp) | set(fp)) if x in in_gold and prf(tp[x], fp[x], fn[x])[0] < 0.70]
    print("labels in the gold with precision below 0.70: " + (", ".join(low) if low else "none"))
    if show:
        for kind, key in errors.get(show, []):
            print(f"--- {kind} {key} gold={sorted(gold[key])} predicted={sorted(predicted.get(key, set()))}\n"
                  f"    {texts[key][:400]}")


if __name__ == "__main__":
    main()
