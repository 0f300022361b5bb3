"""bench/run insights: recurring-issue clustering and spike detection (issue 7).

Three steps, each a child process, figures merged into one JSON object:

  cluster  insights_bench cluster: 50,000 tickets (it-service-tickets train + test, topped up with
           tobi-tickets-de) clustered in one batch -> cluster_seconds, cluster counts, purity;
  peer     sklearn_cluster.py: TF-IDF + MiniBatchKMeans on the same texts with k = our clusters
           of 5 or more tickets -> peer.cluster_seconds, peer.purity;
  stream   insights_bench stream, one run per seed: 2 warm-up weeks, W measured weeks of normal
           traffic (every spike there is a false one), then T injected bursts of 20
           near-duplicates of one real ticket within an hour, clustering and Detect every
           simulated minute -> false_spikes_per_week (mean over seeds), spike_detect_minutes
           (median over all bursts), spike_detect_minutes_max, spike_within_15_min (fraction of
           bursts reported within 15 minutes; a missed burst counts as not within) and the cost
           of one Detect call (spike_detect_ms_mean / _max).

retrain_seconds comes from bench/insights/retrain.py (autotriage retrain on ~38,000 tickets).
With --json only the merged object goes to stdout; otherwise a table. Progress on stderr.
"""

import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "lib"))
import benchlib  # noqa: E402

TARGETS = [
    # (key, comparison, threshold, what, peer key)
    ("cluster_seconds", "<=", 10.0, "cluster 50,000 tickets (s)", "peer.cluster_seconds"),
    ("spike_detect_minutes", "<=", 15.0, "injected spike reported after (sim. min, median)", None),
    ("false_spikes_per_week", "<=", 1.0, "false spikes per simulated week", None),
    ("retrain_seconds", "<=", 30.0, "retrain on 40,000 tickets (s)", None),
]


def main():
    parser = benchlib.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--total", type=int, default=50000, help="tickets to cluster")
    parser.add_argument("--seeds", default="1,2", help="stream seeds, comma-separated")
    parser.add_argument("--weeks", type=int, default=4, help="measured weeks per seed")
    parser.add_argument("--trials", type=int, default=10, help="injected bursts per seed")
    parser.add_argument("--skip-peer", action="store_true", help="do not run scikit-learn")
    parser.add_argument("--skip-cluster", action="store_true",
                        help="do not cluster the 50,000 tickets (implies --skip-peer)")
    parser.add_argument("--stream-args", default="",
                        help="extra insights_bench stream options, space-separated "
                             "(for trying spike settings; the default run uses none)")
    parser.add_argument("--skip-retrain", action="store_true", help="do not time autotriage retrain")
    parser.add_argument("--baseline-only", action="store_true", help=argparse_hidden())
    args = parser.parse_args()
    reporter = benchlib.Reporter(args.json)
    return benchlib.main_wrapper(lambda: run(args, reporter), lambda: args.json)


def argparse_hidden():
    import argparse
    return argparse.SUPPRESS


def run(args, reporter):
    data = benchlib.data_dir()
    benchlib.require_files("it-service-tickets", ["train.csv.gz", "test.csv.gz"])
    tools = os.environ.get("AUTOTRIAGE_BENCH_TOOLS_DIR") or os.path.dirname(benchlib.binary_path())
    tool = os.path.join(tools, "insights_bench")
    if not os.access(tool, os.X_OK):
        raise benchlib.BenchError("%s is missing: build it with `cmake --build build-bench "
                                  "--target insights_bench` or run through bench/run" % tool)
    out = benchlib.out_dir("insights")
    texts = os.path.join(out, "texts.tsv")
    warning = benchlib.busy_warning()
    if warning:
        reporter.log("insights: warning: " + warning)

    result = {"ok": True, "errors": []}
    cluster = {"clusters_5plus": 0}
    if args.skip_cluster:
        result["cluster_seconds_note"] = "skipped (--skip-cluster)"
    else:
        reporter.log("insights: clustering %d tickets" % args.total)
        cluster, _ = benchlib.run_json_step(
            [tool, "cluster", "--data-dir", data, "--total", str(args.total), "--texts-out",
             texts], "insights_bench cluster", reporter)
    for key in ("cluster_seconds", "tickets", "clusters", "clusters_2plus", "clusters_5plus",
                "tickets_in_clusters_2plus", "purity", "purity_2plus", "assign_threshold",
                "merge_threshold", "top_clusters"):
        result[key] = cluster.get(key)

    result["peer.cluster_seconds"] = None
    result["peer.purity"] = None
    if not args.skip_peer and not args.skip_cluster:
        k = max(int(cluster["clusters_5plus"]), 8)
        reporter.log("insights: scikit-learn MiniBatchKMeans, k=%d (our clusters of 5+)" % k)
        python = os.environ.get("AUTOTRIAGE_PYTHON", "/usr/bin/python3")
        try:
            peer, _ = benchlib.run_json_step(
                [python, os.path.join(HERE, "sklearn_cluster.py"), "--texts", texts,
                 "--clusters", str(k)], "scikit-learn peer", reporter)
            result["peer.cluster_seconds"] = peer["cluster_seconds"]
            result["peer.purity"] = peer["purity"]
            result["peer.k"] = peer["k"]
        except benchlib.BenchError as e:
            result["errors"].append(str(e))
    result["cluster_speedup_vs_sklearn"] = (
        result["peer.cluster_seconds"] / result["cluster_seconds"]
        if result["peer.cluster_seconds"] and result["cluster_seconds"] else None)

    runs = []
    for seed in [s for s in args.seeds.split(",") if s]:
        reporter.log("insights: simulated stream, seed %s, %d measured weeks, %d bursts" %
                     (seed, args.weeks, args.trials))
        stream, _ = benchlib.run_json_step(
            [tool, "stream", "--data-dir", data, "--seed", seed, "--weeks", str(args.weeks),
             "--trials", str(args.trials)] + args.stream_args.split(),
            "insights_bench stream", reporter)
        runs.append(stream)
    minutes = [m for r in runs for m in r["detect_minutes"] if m is not None and m >= 0]
    missed = sum(r["trials"] - r["trials_detected"] for r in runs)
    result["false_spikes_per_week"] = (statistics.mean(r["false_spikes_per_week"] for r in runs)
                                       if runs else None)
    result["false_spikes_per_week_by_seed"] = [r["false_spikes_per_week"] for r in runs]
    result["simulated_weeks"] = sum(r["weeks"] for r in runs)
    result["spike_detect_minutes"] = statistics.median(minutes) if minutes else None
    result["spike_detect_minutes_max"] = max(minutes) if minutes else None
    result["spike_detect_minutes_all"] = [round(m, 2) for m in minutes]
    result["spike_bursts_within_15_min"] = sum(1 for m in minutes if m <= 15.0)
    result["spike_bursts"] = len(minutes) + missed
    result["spike_bursts_missed"] = missed
    result["spike_within_15_min"] = (result["spike_bursts_within_15_min"] / result["spike_bursts"]
                                     if result["spike_bursts"] else None)
    result["spike_detections"] = [dict(d, seed=r["seed"]) for r in runs
                                  for d in r.get("detections", [])]
    result["spike_false_examples"] = [dict(f, seed=r["seed"]) for r in runs
                                      for f in r.get("false_examples", [])]
    result["spike_other_false"] = sum(r["warmup_spikes"] + r["trial_phase_false_spikes"]
                                      for r in runs)
    result["spike_settings"] = {k: runs[0].get(k) for k in (
        "tick_minutes", "min_count", "significance", "floor_rate_per_hour",
        "near_duplicate_min_count", "near_duplicate_cosine", "near_duplicate_prior",
        "extra_windows_seconds")} if runs else None
    result["spike_detect_ms_mean"] = (statistics.mean(r["detect_ms_mean"] for r in runs)
                                      if runs else None)
    result["spike_detect_ms_max"] = max(r["detect_ms_max"] for r in runs) if runs else None
    result["spike_clusters_max"] = max(r["clusters_max"] for r in runs) if runs else None
    result["stream_wall_seconds"] = sum(r["stream_wall_seconds"] for r in runs)
    if args.skip_retrain:
        result["retrain_seconds"] = None
        result["retrain_seconds_note"] = "skipped (--skip-retrain)"
    else:
        reporter.log("insights: timing autotriage retrain (bench/insights/retrain.py) ...")
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "retrain.py")
        retrain, _ = benchlib.run_json_step(
            [sys.executable, script, "--binary", benchlib.binary_path()], "retrain.py", reporter)
        if not retrain.get("ok"):
            result["errors"].append("retrain: " + str(retrain.get("error")))
        for key in ("retrain_seconds", "first_retrain_seconds", "retrain_state",
                    "first_retrain_state", "held_back", "retrain_peak_rss_mb", "tickets"):
            result[("retrain_" + key) if key in ("held_back", "tickets") else key] = \
                retrain.get(key)
        result["retrain_train_seconds"] = retrain.get("train_seconds")
        result["retrain_seconds_note"] = (
            "steady-state retrain on %s tickets; the first one also trains a reference model "
            "(%s s)" % (retrain.get("tickets"), retrain.get("first_retrain_seconds")))

    targets = {}
    for key, op, threshold, _, _ in TARGETS:
        value = result.get(key)
        targets[key] = value is not None and (value <= threshold if op == "<=" else
                                              value >= threshold)
    result["targets"] = targets
    result["targets_all_pass"] = all(targets.values())
    result["ok"] = not result["errors"]

    if args.json:
        benchlib.emit_json(result)
        return 0
    rows = []
    for key, op, threshold, what, peer_key in TARGETS:
        peer = result.get(peer_key) if peer_key else None
        ratio = benchlib.ratio(peer, result.get(key)) if peer is not None else None
        rows.append([what, benchlib.fmt(result.get(key)), benchlib.fmt(peer),
                     "-" if ratio is None else "%.1fx" % ratio, "%s %g" % (op, threshold),
                     "yes" if targets[key] else "no"])
    rows.append(["label purity (8 topics + de queues)", benchlib.fmt(result["purity"]),
                 benchlib.fmt(result["peer.purity"]), "-", "-", "-"])
    reporter.out(benchlib.table(["metric", "autotriage", "sklearn", "speed-up", "target", "met"],
                                rows))
    reporter.out("clusters: %s (%s with 2+ tickets, %s with 5+); sklearn k=%s" %
                 (result["clusters"], result["clusters_2plus"], result["clusters_5plus"],
                  result.get("peer.k", "-")))
    reporter.out("bursts reported within 15 min: %d of %d (max %s min); false spikes over %d "
                 "simulated weeks: %s per week (%d more outside the measured weeks)" %
                 (result["spike_bursts_within_15_min"], result["spike_bursts"],
                  benchlib.fmt(result["spike_detect_minutes_max"]), result["simulated_weeks"],
                  benchlib.fmt(result["false_spikes_per_week"]), result["spike_other_false"]))
    reporter.out("Detect every simulated minute: %s ms per call on average, %s ms at most, up to "
                 "%s clusters" % (benchlib.fmt(result["spike_detect_ms_mean"]),
                                  benchlib.fmt(result["spike_detect_ms_max"]),
                                  result["spike_clusters_max"]))
    reporter.out("retrain_seconds: %s" % result["retrain_seconds_note"])
    for error in result["errors"]:
        reporter.out("error: " + error)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
