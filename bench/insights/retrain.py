#!/usr/bin/env python3
"""Times `autotriage retrain` on the it-service-tickets training file (about 38,000 tickets)
plus a few hundred synthetic human corrections, and prints one JSON object:

  {"retrain_seconds": x, "first_retrain_seconds": y, "train_seconds": z, ...}

Steps (scratch files in bench/out/insights-retrain/):
  1. `autotriage train` makes the live model on the whole training file (as an operator would);
  2. the first `retrain` registers it and, since that model saw every ticket, also trains a
     reference model without the held-back slice to compare fairly (first_retrain_seconds);
  3. a second `retrain` with more corrections compares with the live version the first one
     promoted, which never saw the slice: the steady state (retrain_seconds, the target).
Corrections: 300 tickets of test.csv.gz appended with their true group (source "approved"),
100 relabellings of training tickets by identical text, and 50 engine writes (source
"autofill") that must be ignored. Exit codes as bench/lib/benchlib.py.
"""
import argparse
import csv
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import benchlib  # noqa: E402


def read_rows(path, limit=None):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        rows = []
        for row in csv.DictReader(f):
            rows.append(row)
            if limit and len(rows) >= limit:
                break
        return rows


def write_corrections(path, train_rows, test_rows, seed, count):
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        for i, row in enumerate(rng.sample(test_rows, count)):
            out.write(json.dumps({"ticket_id": "new-%d" % i, "field": "Topic_group",
                                  "label": row["Topic_group"], "text": row["Document"],
                                  "source": "approved"}) + "\n")
        for row in rng.sample(train_rows, count // 3):
            out.write(json.dumps({"ticket_id": "", "field": "Topic_group",
                                  "label": row["Topic_group"], "text": row["Document"],
                                  "source": "edited"}) + "\n")
        for i, row in enumerate(rng.sample(test_rows, 50)):
            out.write(json.dumps({"ticket_id": "eng-%d" % i, "field": "Topic_group",
                                  "label": "Hardware", "text": row["Document"],
                                  "source": "autofill"}) + "\n")


def run(cmd):
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    return proc, wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=os.path.join(benchlib.repo_root(), "build", "bin",
                                                         "autotriage"))
    parser.add_argument("--json", action="store_true", help="(always JSON; accepted for bench/run)")
    args = parser.parse_args()
    dataset = os.path.join(benchlib.data_dir(), "it-service-tickets")
    train, test = os.path.join(dataset, "train.csv.gz"), os.path.join(dataset, "test.csv.gz")
    if not os.path.exists(train):
        print(json.dumps({"ok": False, "error": "data set absent: " + train}))
        return benchlib.EXIT_NO_DATA
    out = benchlib.out_dir("insights-retrain")
    models = os.path.join(out, "models")
    shutil.rmtree(models, ignore_errors=True)
    os.makedirs(models)
    config = os.path.join(out, "autotriage.yaml")
    with open(config, "w") as f:
        f.write("models:\n  directory: %s\n  active: %s\n  heads:\n    - field: Topic_group\n"
                % (models, os.path.join(out, "live.atm")))
    train_rows, test_rows = read_rows(train), read_rows(test)
    result = {"ok": True, "tickets": len(train_rows)}
    proc, wall = run([args.binary, "train", "--data", train, "--text-column", "Document",
                      "--label-column", "Topic_group", "--out", os.path.join(out, "live.atm"),
                      "--json"])
    if proc.returncode != 0:
        print(json.dumps({"ok": False, "error": "train failed: " + proc.stderr[-2000:]}))
        return benchlib.EXIT_FAILED
    result["train_seconds"] = round(wall, 2)
    for step, (key, seed, count) in enumerate([("first_", 1, 150), ("", 2, 300)]):
        corrections = os.path.join(out, "corrections-%d.jsonl" % step)
        write_corrections(corrections, train_rows, test_rows, seed, count)
        proc, wall = run([args.binary, "retrain", "--config", config, "--data", train,
                          "--text-column", "Document", "--corrections", corrections, "--json"])
        try:
            report = json.loads(proc.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            print(json.dumps({"ok": False, "error": "retrain failed: " + proc.stderr[-2000:]}))
            return benchlib.EXIT_FAILED
        result[key + "retrain_seconds"] = round(wall, 2)
        result[key + "retrain_seconds_reported"] = round(report["retrain_seconds"], 2)
        result[key + "retrain_exit_code"] = proc.returncode
        result[key + "retrain_state"] = report["state"]
        result[key + "baseline_kind"] = report["baseline_kind"]
        result[key + "corrections"] = report["merge"]["Topic_group"]
        result[key + "held_back"] = {"candidate": report["candidate_figures"]["Topic_group"],
                                     "baseline": report["baseline_figures"]["Topic_group"],
                                     "live_bundle": report["live_figures"]["Topic_group"]}
        result[key + "retrain_peak_rss_mb"] = round(report["peak_rss_mb"], 1)
    result["target_retrain_seconds"] = 30
    result["met"] = result["retrain_seconds"] <= 30
    print(json.dumps(result))
    return benchlib.EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
