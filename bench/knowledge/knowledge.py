"""bench/run knowledge: the three issue-5 benchmarks in one run, one merged JSON object.

  stackfaq.py  KB search on StackFAQ vs scikit-learn TF-IDF (P@1, MRR, recall@3, latency on a
               10,000-article index);
  similar.py   similar tickets on it-service-tickets vs scikit-learn TF-IDF kNN (share of the
               top-5 neighbours with the query's label);
  assignee.py  assignee top 2 on the sandbox's synthetic history vs a popularity baseline.

Each part prints its own JSON object; this script merges them (keys are already distinct) and
adds `targets` and `targets_all_pass`. With --json only the merged object goes to stdout;
otherwise a table. A part that fails is reported under `errors` and its keys are null.
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

TARGETS = [
    # (key, comparison, threshold, what)
    ("stackfaq_mrr", ">=", 0.85, "StackFAQ MRR"),
    ("stackfaq_p1", ">=", 0.75, "StackFAQ P@1"),
    ("query_p99_ms", "<=", 5.0, "KB query p99 on 10,000 articles (ms)"),
    ("similar_top5_same_label", ">=", 0.85, "similar tickets: top-5 share with the query's label"),
    ("assignee_top2", ">=", 0.70, "true resolver in the assignee top 2"),
]

BASELINES = {
    "stackfaq_mrr": "sklearn_tfidf_mrr",
    "stackfaq_p1": "sklearn_tfidf_p1",
    "similar_top5_same_label": "sklearn_similar_top5_same_label",
    "assignee_top2": "baseline_top2",
}


def run_part(name, argv):
    sys.stderr.write("knowledge: running %s\n" % name)
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=sys.stderr, text=True)
    # A part prints one JSON object, possibly indented over several lines.
    try:
        obj = json.loads(proc.stdout) if proc.stdout.strip() else {}
    except ValueError:
        obj = {}
    if proc.returncode not in (0, 4) or not obj:
        return None, "%s failed (exit %d)" % (name, proc.returncode)
    return obj, None


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--parts", default="stackfaq,similar,assignee",
                        help="comma-separated subset of stackfaq, similar, assignee")
    args = parser.parse_args()
    binary = os.environ.get("AUTOTRIAGE_BIN", "")
    tools = os.environ.get("AUTOTRIAGE_BENCH_TOOLS_DIR", os.path.dirname(binary))
    data = os.environ.get("AUTOTRIAGE_DATA_DIR", "")
    root = os.environ.get("AUTOTRIAGE_REPO_ROOT", os.path.dirname(os.path.dirname(HERE)))
    out = os.path.join(root, "bench", "out", "knowledge")
    os.makedirs(out, exist_ok=True)
    python = sys.executable
    parts = {
        "stackfaq": [python, os.path.join(HERE, "stackfaq.py"), "--bin", binary, "--data-dir",
                     data, "--out", out],
        "similar": [python, os.path.join(HERE, "similar.py"), "--bin", binary, "--tools-dir",
                    tools, "--data-dir", data, "--out", out],
        "assignee": [python, os.path.join(HERE, "assignee.py"), "--tools-dir", tools, "--out",
                     out],
    }
    merged = {"errors": []}
    for name in args.parts.split(","):
        if name not in parts:
            parser.error("unknown part %r" % name)
        obj, error = run_part(name, parts[name])
        if error:
            merged["errors"].append(error)
            continue
        for key, value in obj.items():
            if key in ("targets", "target_met", "target_top2", "targets_all_pass", "ok"):
                continue
            merged[key] = value
    targets = {}
    for key, op, threshold, _ in TARGETS:
        value = merged.get(key)
        targets[key] = (value is not None and
                        (value >= threshold if op == ">=" else value <= threshold))
        merged.setdefault(key, None)
    merged["targets"] = targets
    merged["targets_all_pass"] = all(targets.values())
    merged["ok"] = not merged["errors"]
    if args.json:
        print(json.dumps(merged, sort_keys=True))
    else:
        print("%-55s %10s %10s %8s %8s  %s" % ("metric", "autotriage", "baseline", "ratio",
                                               "target", "met"))
        for key, op, threshold, what in TARGETS:
            value = merged.get(key)
            base = merged.get(BASELINES.get(key, ""), None)
            ratio = (value / base) if isinstance(value, (int, float)) and base else None
            print("%-55s %10s %10s %8s %8s  %s" % (
                what, "-" if value is None else "%.4g" % value,
                "-" if base is None else "%.4g" % base,
                "-" if ratio is None else "%.3f" % ratio, op + str(threshold),
                "yes" if targets[key] else "no"))
        for error in merged["errors"]:
            print("error: " + error)
    return 0 if merged["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
