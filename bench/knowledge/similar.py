"""Similar-tickets benchmark: autotriage vs scikit-learn, measured in the same run.

On it-service-tickets, the train file is the history of resolved tickets and the test file the
queries. For each query the top 5 neighbours are fetched and the share of neighbours carrying
the query's own label is counted:
  - similar_top5_same_label_plain: our index, plain cosine ranking;
  - similar_top5_same_label: our index, class-aware ranking (the label predicted by a model
    that `autotriage train` built from the train file, weighted by its probability);
  - sklearn_similar_top5_same_label: scikit-learn TF-IDF cosine kNN, plain (the peer baseline).
The model is cached under --out, keyed on the autotriage binary's modification time.
Every setting is fixed a priori or was chosen on a split of the training file; nothing is tuned
on the test file.

Usage: python3 bench/knowledge/similar.py --bin BIN --tools-dir DIR --data-dir DIR --out DIR
Prints one JSON object on stdout; progress goes to stderr. Exit codes as in bench/lib/benchlib.py.
"""

import glob
import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import benchlib  # noqa: E402
from benchlib import BenchError, ratio  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = benchlib.CLASSIFICATION_DATASETS["it"]
TARGET_SAME_LABEL = 0.85

EVAL_KEYS = ["similar_top5_same_label", "similar_top5_same_label_plain", "find_us_p50",
             "find_us_p99", "history", "queries", "build_seconds"]


def parse_args():
    parser = benchlib.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=None, help="the autotriage binary")
    parser.add_argument("--tools-dir", default=None, help="directory holding similar_eval")
    parser.add_argument("--data-dir", default=None, help="public data sets (default: "
                        "$AUTOTRIAGE_DATA_DIR or ../shared/data)")
    parser.add_argument("--out", default=None, help="scratch directory (model cache)")
    parser.add_argument("--json", action="store_true", help="accepted for symmetry; the "
                        "output is always one JSON object")
    parser.add_argument("--verbose", action="store_true", help="echo the children's stderr")
    return parser.parse_args()


def cached_model(binary, train, out, reporter):
    """The model trained on the train file by this binary, training it when not cached."""
    key = "%d" % os.stat(binary).st_mtime_ns
    model = os.path.join(out, "it-similar-%s.model" % key)
    if os.path.exists(model):
        reporter.log("autotriage: reusing the cached model %s" % model)
        return model, True
    for stale in glob.glob(os.path.join(out, "it-similar-*.model")):
        os.remove(stale)
    reporter.log("autotriage: training on %s (cached for later runs) ..." % SPEC["name"])
    benchlib.run_json_step(
        [binary, "train", "--data", train, "--text-column", SPEC["text"], "--label-column",
         SPEC["label"], "--out", model, "--json"], "autotriage train", reporter)
    if not os.path.exists(model):
        raise BenchError("autotriage train reported success but wrote no model at %s" % model)
    return model, False


def run_eval(tool, train, test, model, reporter):
    argv = [tool, "--history", train, "--queries", test, "--text-column", SPEC["text"],
            "--label-column", SPEC["label"]]
    if model:
        argv += ["--model", model]
    what = "similar_eval (%s)" % ("class-aware" if model else "plain")
    reporter.log("%s: %d history tickets, querying the test file ..." %
                 (what, benchlib.count_csv_rows(train)))
    obj, run = benchlib.run_json_step(argv, what, reporter)
    benchlib.require_keys(obj, EVAL_KEYS, what)
    obj["wall_seconds"] = run.wall_seconds
    obj["child_peak_rss_mb"] = run.peak_rss_mb
    return obj


def run_sklearn(train, test, reporter):
    python = os.environ.get("AUTOTRIAGE_PYTHON") or "/usr/bin/python3"
    probe = benchlib.run_measured([python, "-c", "import sklearn"])
    if probe.returncode != 0:
        raise BenchError("%s cannot import sklearn; install Debian's python3-sklearn or point "
                         "AUTOTRIAGE_PYTHON at an interpreter that has it:\n%s" %
                         (python, benchlib.tail(probe.stderr, 5)))
    reporter.log("scikit-learn: TF-IDF cosine kNN on the same files ...")
    obj, run = benchlib.run_json_step(
        [python, os.path.join(HERE, "sklearn_similar.py"), "--history", train, "--queries", test,
         "--text-column", SPEC["text"], "--label-column", SPEC["label"]],
        "scikit-learn similar-tickets baseline", reporter)
    obj["peak_rss_mb"] = run.peak_rss_mb
    return obj


def run(args, reporter):
    binary = os.path.abspath(args.bin or benchlib.binary_path())
    if not os.access(binary, os.X_OK):
        raise BenchError("autotriage binary not found at %s (give --bin)" % binary,
                         benchlib.EXIT_USAGE)
    tools = os.path.abspath(args.tools_dir or os.path.dirname(binary))
    tool = os.path.join(tools, "similar_eval")
    if not os.access(tool, os.X_OK):
        raise BenchError("similar_eval not found at %s (build the similar_eval target; give "
                         "--tools-dir)" % tool, benchlib.EXIT_USAGE)
    if args.data_dir:
        os.environ["AUTOTRIAGE_DATA_DIR"] = os.path.abspath(args.data_dir)
    train, test = benchlib.require_files(SPEC["name"], [SPEC["train"], SPEC["test"]])
    out = os.path.abspath(args.out) if args.out else benchlib.out_dir("knowledge")
    os.makedirs(out, exist_ok=True)

    warning = benchlib.busy_warning()
    if warning:
        reporter.log("warning: " + warning)
    model, model_cached = cached_model(binary, train, out, reporter)
    plain = run_eval(tool, train, test, None, reporter)
    aware = run_eval(tool, train, test, model, reporter)
    sk = run_sklearn(train, test, reporter)

    same = aware["similar_top5_same_label"]
    result = {
        "ok": True,
        "similar_top5_same_label": same,
        "similar_top5_same_label_plain": plain["similar_top5_same_label_plain"],
        # Latency from the plain run, where nothing else runs between two Find calls.
        "find_us_p50": plain["find_us_p50"],
        "find_us_p99": plain["find_us_p99"],
        "find_cpu_us_p50": plain.get("find_cpu_us_p50"),
        "find_cpu_us_p99": plain.get("find_cpu_us_p99"),
        "find_class_aware_us_p50": aware.get("find_class_aware_us_p50"),
        "find_class_aware_us_p99": aware.get("find_class_aware_us_p99"),
        "history": plain["history"],
        "queries": plain["queries"],
        "build_seconds": plain["build_seconds"],
        "neighbours_returned_plain": plain.get("neighbours_returned_plain"),
        "neighbours_returned": aware.get("neighbours_returned"),
        "classifier_accuracy": aware.get("classifier_accuracy"),
        "similar_eval_peak_rss_mb": plain["child_peak_rss_mb"],
        "model_cached": model_cached,
        "sklearn_similar_top5_same_label": sk["similar_top5_same_label"],
        "sklearn_neighbours_returned": sk.get("neighbours_returned"),
        "sklearn_build_seconds": sk.get("build_seconds"),
        "sklearn_query_us_mean_batched": sk.get("query_us_mean_batched"),
        "sklearn_version": sk.get("sklearn_version"),
    }
    result["similar_top5_same_label_vs_sklearn"] = ratio(same,
                                                         sk["similar_top5_same_label"])
    result["similar_top5_same_label_plain_vs_sklearn"] = ratio(
        result["similar_top5_same_label_plain"], sk["similar_top5_same_label"])
    result["targets"] = {"similar_top5_same_label": same >= TARGET_SAME_LABEL}
    result["target_similar_top5_same_label"] = TARGET_SAME_LABEL
    if warning:
        result["warning"] = warning
    reporter.log(benchlib.table(
        ["similar tickets (top 5)", "autotriage", "scikit-learn", "ratio"],
        [["same label, class-aware", benchlib.fmt(same), "-", "-"],
         ["same label, plain cosine", benchlib.fmt(result["similar_top5_same_label_plain"]),
          benchlib.fmt(sk["similar_top5_same_label"]),
          benchlib.fmt(result["similar_top5_same_label_plain_vs_sklearn"])],
         ["find p50 / p99 (µs)", "%s / %s" % (benchlib.fmt(result["find_us_p50"]),
                                             benchlib.fmt(result["find_us_p99"])),
          benchlib.fmt(result["sklearn_query_us_mean_batched"]) + " (batched mean)", "-"]]))
    benchlib.emit_json(result)
    return benchlib.EXIT_OK


def main():
    args = parse_args()
    reporter = benchlib.Reporter(json_mode=True, verbose=args.verbose)
    return benchlib.main_wrapper(lambda: run(args, reporter), lambda: True)


if __name__ == "__main__":
    sys.exit(main())
