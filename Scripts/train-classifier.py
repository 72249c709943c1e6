#!/usr/bin/env python3
"""Train PolicyWatch's data-use model (Sources/PolicyWatchDataUse/BuiltInModel.swift) on the development data.

Usage: Scripts/train-classifier.sh [--check]   (the .sh wrapper builds policywatch-bench and sets up the Python venv)
       train-classifier.py BENCH_BINARY [--check]

Data (read from ../shared/corpus, never copied into the repository):
  - opp115-segments/dev.tsv: a third of the OPP-115 policies, every practice of each segment labelled (Wilson et al.,
    ACL 2016; (c) Carnegie Mellon University, for research, teaching and scholarship).
  - tosdr-points/dev.tsv: a third of the ToS;DR services' quoted points (CC BY-SA 3.0, ToS;DR contributors); a point
    carries the labels of its one case only, so its positive rows are positives for their labels, and its `negative`
    rows (cases about something else) are negatives for every label; other rows are not used as negatives.

Features: `policywatch-bench classifier-features` (DataUseFeatures.swift), so training and classifying share one
definition: words and word pairs (tf-idf, unit length), the rules' lexicon concepts (`x:`), the rules' findings (`r:`,
`l:`), computed with the built-in rules alone.

Model: one L2-regularised logistic regression per label with at least MIN_POSITIVES positive rows (class weights
balanced), weights below PRUNE dropped. Each label's threshold maximises F1 on out-of-fold predictions (5 folds grouped
by policy / service, so no policy or service is on both sides), from the development rows that score that label
(OPP-115 rows for the labels OPP-115 annotates, ToS;DR rows otherwise). Everything is deterministic: same data, same
file.

--check: train, then compare with the committed BuiltInModel.swift instead of writing it (exit 1 if they differ).
SAVE_OOF=FILE (environment): also pickle the rows and out-of-fold probabilities, to study other decision rules.
The script prints the cross-validated figures (estimates on policies and services the folds did not train on).
"""
import collections
import csv
import hashlib
import math
import os
import subprocess
import sys

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

csv.field_size_limit(10**8)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.environ.get("CORPUS", os.path.join(ROOT, "..", "shared", "corpus"))
OPP = os.path.join(CORPUS, "opp115-segments", "dev.tsv")
TOSDR = os.path.join(CORPUS, "tosdr-points", "dev.tsv")
OUTPUT = os.path.join(ROOT, "Sources", "PolicyWatchDataUse", "BuiltInModel.swift")

# The labels OPP-115 annotates (its README); the model's other labels are scored on ToS;DR rows.
OPP_LABELS = {
    "THIRD_PARTY_SHARING", "AFFILIATE_SHARING_COMBINATION", "ADVERTISING_PROFILING", "TRACKING", "LOCATION_DATA",
    "BIOMETRIC_SENSITIVE_DATA", "CHILDREN", "DATA_RETENTION", "CHOICE_OPTOUT_CONSENT", "GOVERNMENT_LEGAL_DISCLOSURE",
    "BUSINESS_TRANSFER", "NOT_THIRD_PARTY_SHARING",
}
# Labels the model never decides: no development data describes them (AI training) or they are scraping rules the
# rules read exactly.
RULES_ONLY = {"AI_TRAINING", "NOT_AI_TRAINING", "SCRAPING_CRAWLING"}
MIN_POSITIVES = 30
C = 4.0
RULE_WEIGHT = 0.5
CONCEPT_WEIGHT = 0.5
MIN_DF = int(os.environ.get("MIN_DF", 2))  # words seen in fewer training rows are left out
MIN_DF_PAIRS = int(os.environ.get("MIN_DF_PAIRS", 6))  # the same for word pairs (most of the file otherwise)
PRUNE = float(os.environ.get("PRUNE", 0.1))  # weights smaller than this are dropped
FOLDS = 5
THRESHOLDS = [round(0.30 + 0.02 * i, 2) for i in range(33)]  # 0.30 … 0.94
KEEP_THRESHOLDS = [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
PRECISION_FLOOR = float(os.environ.get("PRECISION_FLOOR", 0.72))
RECALL_FLOOR = 0.10


def read_features(bench, rows):
    """Runs the bench's classifier-features on `rows` [(id, text)]; returns {id: {feature: count}}."""
    text = "".join(f"{i}\t{t}\n" for i, t in rows)
    out = subprocess.run([bench, "classifier-features", "-"], input=text, capture_output=True, text=True, check=True)
    features = {}
    for line in out.stdout.splitlines():
        ident, _, rest = line.partition("\t")
        counts = {}
        for item in rest.split(" "):
            if item:
                name, _, count = item.rpartition("=")
                counts[name] = int(count)
        features[ident] = counts
    return features


def clean(text):
    return text.replace("\t", " ").replace("\n", " ")


def load(bench):
    """Rows: dicts with id, source (opp/tosdr), group, labels, role, features."""
    rows = []
    with open(OPP, newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            rows.append({
                "id": f"o{r['policy_id']}_{r['segment_id']}", "source": "opp", "group": "o" + r["policy_id"],
                "labels": {x for x in r["datause_labels"].split("|") if x}, "role": "full", "text": clean(r["text"]),
            })
    with open(TOSDR, newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if r["role"] not in ("positive", "negative"):
                continue
            rows.append({
                "id": "t" + r["point_id"], "source": "tosdr", "group": "t" + r["service"],
                "labels": {x for x in r["datause_labels"].split("|") if x}, "role": r["role"], "text": clean(r["text"]),
            })
    features = read_features(bench, [(r["id"], r["text"]) for r in rows])
    for r in rows:
        r["features"] = features[r["id"]]
    return rows


def fold_of(group):
    return hashlib.sha1(group.encode("utf-8")).digest()[0] % FOLDS


class Vectorizer:
    """tf-idf of word features (unit length) + concept and rule features, as DataUseModel.verdict computes them."""

    def __init__(self, rows):
        df = collections.Counter()
        others = set()
        for r in rows:
            for name in r["features"]:
                if name[:2] in ("w:", "b:"):
                    df[name] += 1
                else:
                    others.add(name)
        n = len(rows)
        words = sorted(k for k, c in df.items() if c >= (MIN_DF_PAIRS if k.startswith("b:") else MIN_DF))
        self.idf = {k: math.log((1 + n) / (1 + df[k])) + 1 for k in words}
        self.names = words + sorted(others)
        self.index = {k: i for i, k in enumerate(self.names)}

    def matrix(self, rows):
        data, ri, ci = [], [], []
        for n, r in enumerate(rows):
            values = []
            for name, count in r["features"].items():
                if name in self.idf:
                    values.append((self.index[name], (1 + math.log(count)) * self.idf[name]))
            norm = math.sqrt(sum(v * v for _, v in values)) or 1.0
            for j, v in values:
                ri.append(n); ci.append(j); data.append(v / norm)
            for name, count in r["features"].items():
                if name in self.idf or name not in self.index:
                    continue
                value = CONCEPT_WEIGHT * math.log(1 + count) if name.startswith("x:") else RULE_WEIGHT
                ri.append(n); ci.append(self.index[name]); data.append(value)
        return csr_matrix((data, (ri, ci)), shape=(len(rows), len(self.names)))


def training_rows(rows, label):
    """(rows, targets) that train `label`."""
    chosen, targets = [], []
    for r in rows:
        if r["source"] == "opp":
            if label in OPP_LABELS:
                chosen.append(r); targets.append(label in r["labels"])
        elif label in r["labels"]:
            chosen.append(r); targets.append(True)
        elif r["role"] == "negative":
            chosen.append(r); targets.append(False)
    return chosen, np.array(targets)


def scoring_rows(rows, label):
    """The rows on which a label's threshold is chosen and its figures measured."""
    source = "opp" if label in OPP_LABELS else "tosdr"
    return [i for i, r in enumerate(rows) if r["source"] == source]


def fit(matrix, targets):
    """A label's regression, with the weights the model file leaves out (below PRUNE) set to zero, so that the
    cross-validated figures are those of the shipped model."""
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    model.fit(matrix, targets)
    model.coef_[np.abs(model.coef_) < PRUNE] = 0.0
    return model


def model_labels(rows):
    counts = collections.Counter(l for r in rows for l in r["labels"])
    return sorted(l for l, c in counts.items() if c >= MIN_POSITIVES and l not in RULES_ONLY)


def cross_validate(rows, labels):
    """Out-of-fold probabilities {label: array over rows}."""
    probabilities = {label: np.zeros(len(rows)) for label in labels}
    folds = np.array([fold_of(r["group"]) for r in rows])
    for k in range(FOLDS):
        train = [r for r, f in zip(rows, folds) if f != k]
        test_index = [i for i, f in enumerate(folds) if f == k]
        vectorizer = Vectorizer(train)
        test_matrix = vectorizer.matrix([rows[i] for i in test_index])
        for label in labels:
            chosen, targets = training_rows(train, label)
            if targets.sum() < 3:
                continue
            model = fit(vectorizer.matrix(chosen), targets)
            probabilities[label][test_index] = model.predict_proba(test_matrix)[:, 1]
        print(f"  fold {k + 1}/{FOLDS} done", file=sys.stderr, flush=True)
    return probabilities


def category(label):
    return label[4:] if label.startswith("NOT_") else label


def decide(row, label, p, add, keep):
    """What the classifier says of `label` for a row whose model probability is `p` (DataUseClassifier.decide): a
    match the rules found is kept when p reaches `keep`; a label the rules did not find is added when p reaches `add`,
    unless the rules found its category with the other polarity (never X and NOT_X from one clause)."""
    if rules_found(row, label):
        return p >= keep
    if any(category(name[2:]) == category(label) for name in row["features"] if name.startswith("l:")):
        return False
    return p >= add


def best_thresholds(rows, label, probabilities):
    """(add, keep): the pair with the best out-of-fold F1 among those whose precision is at least PRECISION_FLOOR (for
    the labels OPP-115 scores, where precision can be measured); when none reaches it, the one with the best
    precision that still finds RECALL_FLOOR of the label."""
    index = scoring_rows(rows, label)
    gold = [label in rows[i]["labels"] for i in index]
    candidates = []
    for add in THRESHOLDS:
        for keep in KEEP_THRESHOLDS:
            tp = fp = fn = 0
            for i, g in zip(index, gold):
                predicted = decide(rows[i], label, probabilities[label][i], add, keep)
                tp += predicted and g; fp += predicted and not g; fn += g and not predicted
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            candidates.append(((add, keep), precision, recall, f1))
    floor = PRECISION_FLOOR if label in OPP_LABELS else 0.0
    passing = [c for c in candidates if c[1] >= floor]
    if passing:
        return max(passing, key=lambda c: (c[3], -c[0][0], -c[0][1]))[0]
    usable = [c for c in candidates if c[2] >= RECALL_FLOOR] or candidates
    return max(usable, key=lambda c: (c[1], -c[0][0], -c[0][1]))[0]


def rules_found(row, label):
    return ("l:" + label) in row["features"]


def report(rows, labels, probabilities, thresholds):
    """Cross-validated figures of the combined classifier (model labels decided as DataUseClassifier decides them,
    the others by the rules)."""
    def predicted(i, label):
        if label in probabilities:
            add, keep = thresholds[label]
            return decide(rows[i], label, probabilities[label][i], add, keep)
        return rules_found(rows[i], label)

    scored = sorted(OPP_LABELS | {"NOT_AFFILIATE_SHARING_COMBINATION"})
    affirmative = sorted(label for label in OPP_LABELS if not label.startswith("NOT_"))
    print("OPP-115 dev, cross-validated by policy (labels OPP-115 scores):")
    counts = {}
    for label in scored:
        tp = fp = fn = 0
        for i, r in enumerate(rows):
            if r["source"] != "opp":
                continue
            g = label in r["labels"]; p = predicted(i, label)
            tp += g and p; fp += p and not g; fn += g and not p
        counts[label] = (tp, fp, fn)
        if tp + fp + fn:
            precision = tp / (tp + fp) if tp + fp else 0.0
            recall = tp / (tp + fn) if tp + fn else 0.0
            print(f"  {label:36s} P {precision:.3f} R {recall:.3f}  (tp {tp} fp {fp} fn {fn})")
    for name, chosen in (("the 11 categories", affirmative), ("with the NOT_ forms in the gold", scored)):
        tp, fp, fn = (sum(counts[label][k] for label in chosen) for k in range(3))
        precision, recall = tp / (tp + fp), tp / (tp + fn)
        print(f"  micro, {name}: P {precision:.3f} R {recall:.3f} F1 {2 * precision * recall / (precision + recall):.3f}")
    tp = fn = 0
    for i, r in enumerate(rows):
        if r["source"] != "tosdr":
            continue
        for label in r["labels"]:
            if predicted(i, label):
                tp += 1
            else:
                fn += 1
    print(f"ToS;DR dev, cross-validated by service: recall {tp / (tp + fn):.3f} ({tp} of {tp + fn} labels)")


def render(labels, thresholds, vectorizer, models, rows):
    n_opp = sum(1 for r in rows if r["source"] == "opp")
    n_tosdr = len(rows) - n_opp
    lines = [
        "format policywatch-datause-model 1",
        f"ruleWeight {RULE_WEIGHT}",
        f"conceptWeight {CONCEPT_WEIGHT}",
    ]
    for j, label in enumerate(labels):
        add, keep = thresholds[label]
        lines.append(f"label {label} bias {models[label].intercept_[0]:.4f} threshold {add:.2f} keep {keep:.2f}")
    for f, name in enumerate(vectorizer.names):
        weights = []
        for j, label in enumerate(labels):
            w = models[label].coef_[0][f]
            if w != 0.0:
                weights.append(f"{j}:{w:.4f}")
        if weights:
            idf = vectorizer.idf.get(name, 0.0)
            lines.append(f"f {name} {idf:.4f} " + " ".join(weights))
    body = "\n".join("  " + line for line in lines)
    return f'''// Written by Scripts/train-classifier.py: do not edit. The learned data-use model (see DataUseModel.swift for the
// format and DataUse/MODEL.md for the data, its licences and the figures).
//
// Trained on development data only, read from ../shared/corpus and never copied here:
//   {n_opp} segments of OPP-115 (opp115-segments/dev.tsv; Wilson et al., ACL 2016; (c) Carnegie Mellon University,
//   for research, teaching and scholarship) and {n_tosdr} quoted points of ToS;DR (tosdr-points/dev.tsv; CC BY-SA 3.0,
//   ToS;DR contributors). The file holds weights of words, word pairs and rule findings, no text of either source.
// Labels: {", ".join(labels)}.
let builtInDataUseModelText = """
{body}
  """
'''


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    bench = sys.argv[1]
    check = "--check" in sys.argv[2:]
    for path in (OPP, TOSDR):
        if not os.path.exists(path):
            print(f"train-classifier: {path} not found (the corpus lives outside the repository); nothing to train.")
            sys.exit(0)
    rows = load(bench)
    labels = model_labels(rows)
    print(f"{len(rows)} rows; model labels: {', '.join(labels)}", file=sys.stderr)
    probabilities = cross_validate(rows, labels)
    if os.environ.get("SAVE_OOF"):
        import pickle
        with open(os.environ["SAVE_OOF"], "wb") as handle:
            pickle.dump({"rows": [{k: v for k, v in r.items() if k != "text"} for r in rows], "labels": labels,
                         "probabilities": probabilities}, handle)
    thresholds = {label: best_thresholds(rows, label, probabilities) for label in labels}
    report(rows, labels, probabilities, thresholds)
    vectorizer = Vectorizer(rows)
    models = {}
    for label in labels:
        chosen, targets = training_rows(rows, label)
        models[label] = fit(vectorizer.matrix(chosen), targets)
    text = render(labels, thresholds, vectorizer, models, rows)
    if check:
        with open(OUTPUT, encoding="utf-8") as handle:
            same = handle.read() == text
        print("BuiltInModel.swift is " + ("up to date" if same else "NOT what this training writes"))
        sys.exit(0 if same else 1)
    with open(OUTPUT, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"wrote {OUTPUT} ({len(text)} bytes)")


if __name__ == "__main__":
    main()
