"""End-to-end benchmark: tickets triaged and written back per second by `autotriage serve`
against the Freshdesk sandbox, engine time per ticket, readiness time and memory; and, in the
same run, a scikit-learn triage script (the peer) against the same sandbox.

Protocol (docs/benchmarks.md, "End to end"):
 1. 40,000 generated training tickets (seed 42), one model with the group, priority and type
    heads (`autotriage train`), cached per binary under build-bench/bench-cache/.
 2. `autotriage sandbox --kind freshdesk --tickets 100` (no webhooks, no rate limit); N + Q + M
    new open tickets created through POST /_sandbox/tickets from another generated set (seed
    4242), whose labels serve as the truth for an accuracy check of what was written.
 3. `autotriage serve` with a Freshdesk helpdesk at the sandbox, a SQLite store in a fresh
    directory, every (queue, field) cell autofill; ready_seconds = process start to the first
    200 from /readyz (polled every 10 ms).
 4. One Freshdesk-shaped webhook per ticket for the first N tickets (bench/tools/webhook_load);
    the clock runs from just before the first event to the /metrics scrape that shows every
    job done, the inbox empty and no write open. engine p50/p99 from the
    autotriage_triage_seconds histogram; rss_mb = VmHWM of the serve process at the end;
    writes = PUTs and notes the sandbox recorded for those tickets (at most one each).
    Then Q tickets one at a time: the engine time without other tickets competing.
 5. The peer (bench/e2e/peer_baseline.py, Debian's python3-sklearn): the fixed baseline model
    trained on the same 40,000 tickets, then the M other tickets one after the other: fetch,
    predict, PUT, note.
"""

import csv
import glob
import hashlib
import http.client
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
import benchlib  # noqa: E402
import engine_harness as h  # noqa: E402
from benchlib import BenchError  # noqa: E402

HEADS = ["group", "priority", "type"]
TEST_SEED = 4242
# Job outcomes that finish a job (retry and lease_lost do not).
FINAL_JOB_OUTCOMES = ("triaged", "skipped", "tracked", "not_found", "failed")

# target name -> (key, comparison, threshold)
TARGETS = {
    "tickets_per_second": ("tickets_per_second", ">=", 1000.0),
    "engine_p99_ms": ("engine_p99_ms", "<=", 1.0),
    "ready_seconds": ("ready_seconds", "<=", 1.0),
    "rss_mb": ("rss_mb", "<=", 300.0),
}


def tools_dir(binary):
    return os.environ.get("AUTOTRIAGE_BENCH_TOOLS_DIR") or os.path.dirname(binary)


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def jobs_finished(metrics):
    by_outcome = h.metric_by_label(metrics, "autotriage_jobs_total", "outcome")
    return sum(v for k, v in by_outcome.items() if k in FINAL_JOB_OUTCOMES)


def wait_until_done(serve, load, tickets, timeout, poll_seconds, reporter):
    """Scrapes /metrics until every job is done, the inbox is empty and no write is open.
    Returns (seconds, scrapes, seconds until the load generator had exited), all from load.t0,
    the moment just before the load generator was started."""
    confirmed_jobs = False  # the previous scrape already counted every job
    scrapes = 0
    load_done_at = None
    deadline = load.t0 + timeout
    last_report = time.perf_counter()
    while True:
        now = time.perf_counter()
        metrics = serve.metrics()
        scrapes += 1
        if load_done_at is None and load.poll() is not None:
            load_done_at = time.perf_counter()
        done_jobs = jobs_finished(metrics)
        inbox = h.metric_value(metrics, "autotriage_inbox_depth")
        open_writes = h.metric_value(metrics, "autotriage_writes_open")
        # The gauges come from the store before the counters are read: once a previous scrape
        # counted every job, this scrape's gauges saw every commit (and every planned write).
        if confirmed_jobs and inbox == 0 and open_writes == 0:
            return now - load.t0, scrapes, (load_done_at or now) - load.t0
        confirmed_jobs = done_jobs >= tickets
        if not serve.alive():
            raise BenchError("autotriage serve exited during the run (code %s):\n%s" %
                             (serve.proc.returncode, serve.stderr_tail()))
        if time.perf_counter() > deadline:
            raise BenchError("not done after %d s: %d of %d jobs finished, inbox %d, %d writes "
                             "open\n%s" % (timeout, done_jobs, tickets, inbox, open_writes,
                                           serve.stderr_tail()))
        if time.perf_counter() - last_report > 5:
            reporter.log("e2e: %d/%d jobs done, inbox %d, %d writes open" %
                         (done_jobs, tickets, inbox, open_writes))
            last_report = time.perf_counter()
        time.sleep(poll_seconds)


def post_webhook(conn, secret, ticket_id):
    body = json.dumps({"freshdesk_webhook": {"ticket_id": str(ticket_id),
                                             "triggered_event": "{ticket_action:created}"}})
    conn.request("POST", "/hooks/freshdesk", body=body,
                 headers={"Content-Type": "application/json", "X-Autotriage-Secret": secret})
    response = conn.getresponse()
    response.read()
    if response.status != 202:
        raise BenchError("webhook for ticket %s answered %d" % (ticket_id, response.status))


def run_quiet(serve, secret, ids, timeout):
    """One ticket at a time: post its webhook, wait (scraping /metrics every 5 ms) until its job
    is done and its write applied, then the next. The triage histogram of this phase is the
    engine time per ticket without other tickets competing for the 2 cores."""
    conn = http.client.HTTPConnection("127.0.0.1", serve.port, timeout=30)
    before = serve.metrics()
    done = jobs_finished(before)
    try:
        for ticket_id in ids:
            post_webhook(conn, secret, ticket_id)
            done += 1
            deadline = time.perf_counter() + timeout
            confirmed = False
            while True:
                metrics = serve.metrics()
                if confirmed and h.metric_value(metrics, "autotriage_writes_open") == 0:
                    break
                confirmed = jobs_finished(metrics) >= done
                if time.perf_counter() > deadline:
                    raise BenchError("quiet phase: ticket %s not done within %d s" %
                                     (ticket_id, timeout))
                time.sleep(0.005)
    finally:
        conn.close()
    after = serve.metrics()
    return [h.histogram_delta(h.histogram(after, name), h.histogram(before, name))
            for name in ("autotriage_triage_seconds", "autotriage_triage_cpu_seconds")]


def check_writes(writes, ids, truth, group_names):
    """PUTs and notes per ticket for `ids`; duplicates; precision of the written values."""
    wanted = {str(i) for i in ids}
    puts, notes, failed = {}, {}, 0
    correct = {f: 0 for f in HEADS}
    written = {f: 0 for f in HEADS}
    priority_names = {1: "Low", 2: "Medium", 3: "High", 4: "Urgent"}
    for w in writes:
        parts = w["path"].strip("/").split("/")  # api v2 tickets ID [notes]
        if len(parts) < 4 or parts[2] != "tickets" or parts[3] not in wanted:
            continue
        ticket = parts[3]
        if w.get("status", 0) >= 300 or not w.get("applied", True):
            failed += 1
        if w["method"] == "PUT" and len(parts) == 4:
            puts[ticket] = puts.get(ticket, 0) + 1
            body = json.loads(w["body"] or "{}")
            values = {}
            if "group_id" in body:
                values["group"] = group_names.get(int(body["group_id"]), "?")
            if "priority" in body:
                values["priority"] = priority_names.get(int(body["priority"]), "?")
            if "type" in body:
                values["type"] = body["type"]
            for field, value in values.items():
                written[field] += 1
                correct[field] += value == truth[ticket][field]
        elif w["method"] == "POST" and len(parts) == 5 and parts[4] == "notes":
            notes[ticket] = notes.get(ticket, 0) + 1
    duplicates = sorted(t for t in wanted if puts.get(t, 0) > 1 or notes.get(t, 0) > 1)
    return {
        "puts": sum(puts.values()),
        "notes": sum(notes.values()),
        "tickets_written": len(set(puts) | set(notes)),
        "duplicate_tickets": duplicates,
        "failed_writes": failed,
        "written_values": written,
        "precision": {f: (correct[f] / written[f] if written[f] else None) for f in HEADS},
    }


def run_engine(args, binary, model, ids, quiet_ids, sandbox, work_dir, reporter):
    load_tool = os.path.join(tools_dir(binary), "webhook_load")
    if not os.access(load_tool, os.X_OK):
        raise BenchError("%s not found: run through bench/run (which builds it) or build the "
                         "webhook_load target" % load_tool)
    secret = "bench-" + secrets.token_hex(16)
    config = os.path.join(work_dir, "serve.yaml")
    h.serve_config(config, sandbox.url, os.path.join(work_dir, "engine.db"), model, args.workers,
                   args.dispatchers, cells=[("*", f, "autofill") for f in HEADS],
                   extra_helpdesk=([("request_timeout_ms", args.request_timeout_ms)]
                                   if args.request_timeout_ms else []))
    env = dict(os.environ, BENCH_HELPDESK_API_KEY=sandbox.api_key, BENCH_WEBHOOK_SECRET=secret)
    serve = h.Serve(binary, config, env, reporter).start()
    reporter.log("e2e: serve ready after %.3f s (it reports %.3f s); %d workers, %d dispatchers"
                 % (serve.ready_seconds, serve.reported_ready_seconds or 0, args.workers,
                    args.dispatchers))
    try:
        before = serve.metrics()
        cpu_before = serve.cpu_seconds()
        sandbox_cpu_before = h.proc_cpu_seconds(sandbox.proc.pid)
        first = ids[0]
        argv = [load_tool, "--port", str(serve.port), "--connections", str(args.connections),
                "--events", str(args.tickets), "--warmup", "0", "--first-ticket", str(first)]
        if reporter.verbose:
            reporter.log("$ " + " ".join(argv))
        reporter.log("e2e: %d webhooks over %d connections, then waiting for every write ..." %
                     (args.tickets, args.connections))
        t0 = time.perf_counter()
        load = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE,
                                env=dict(os.environ, AUTOTRIAGE_WEBHOOK_SECRET=secret))
        load.t0 = t0
        try:
            seconds, scrapes, intake_seconds = wait_until_done(
                serve, load, args.tickets, args.timeout, args.poll_ms / 1000.0, reporter)
        finally:
            load_out, load_err = load.communicate(timeout=120)
        if load.returncode != 0:
            raise BenchError("webhook_load failed (exit code %d):\n%s" %
                             (load.returncode, benchlib.tail(load_err.decode()) or "(empty)"))
        load_result = benchlib.parse_json_object(load_out.decode(), "webhook_load")
        after = serve.metrics()
        cpu = serve.cpu_seconds() - cpu_before
        sandbox_cpu = h.proc_cpu_seconds(sandbox.proc.pid) - sandbox_cpu_before
        rss_mb = serve.peak_rss_mb()
        rss_now_mb = serve.rss_mb()
        quiet, quiet_cpu = None, None
        if quiet_ids:
            reporter.log("e2e: quiet phase: %d more tickets, one at a time ..." % len(quiet_ids))
            quiet, quiet_cpu = run_quiet(serve, secret, quiet_ids, 30)
    finally:
        stop_start = time.perf_counter()
        exit_code = serve.stop()
        stop_seconds = time.perf_counter() - stop_start
    if exit_code != 0:
        raise BenchError("autotriage serve exited with code %s on SIGTERM:\n%s" %
                         (exit_code, serve.stderr_tail()))
    triage = h.histogram_delta(h.histogram(after, "autotriage_triage_seconds"),
                               h.histogram(before, "autotriage_triage_seconds"))
    triage_cpu = h.histogram_delta(h.histogram(after, "autotriage_triage_cpu_seconds"),
                                   h.histogram(before, "autotriage_triage_cpu_seconds"))
    job = h.histogram(after, "autotriage_job_seconds")
    write = h.histogram(after, "autotriage_write_seconds")
    ms = (lambda v: None if v is None else v * 1000.0)
    p50 = h.quantile(triage, 0.5)
    p99 = h.quantile(triage, 0.99)
    quiet_p50 = h.quantile(quiet, 0.5) if quiet else None
    quiet_p99 = h.quantile(quiet, 0.99) if quiet else None
    warnings_in_log = [line for line in serve.stderr_lines if '"level":"warn"' in line or
                       '"level":"error"' in line]
    return {
        "seconds": seconds,
        "tickets_per_second": args.tickets / seconds,
        "intake_seconds": intake_seconds,
        "webhooks": {k: load_result.get(k) for k in ("accepted", "statuses", "errors",
                                                      "events_per_second", "p99_ms")},
        "engine_p50_ms": ms(p50),
        "engine_p99_ms": ms(p99),
        "engine_mean_ms": ms(triage[2] / triage[1]) if triage[1] else None,
        "engine_p99_bucket_ms": ms(h.bucket_resolution_at(triage, p99)),
        "engine_cpu_p50_ms": ms(h.quantile(triage_cpu, 0.5)),
        "engine_cpu_p99_ms": ms(h.quantile(triage_cpu, 0.99)),
        "triaged": int(triage[1]),
        "quiet_tickets": int(quiet[1]) if quiet else 0,
        "engine_quiet_p50_ms": ms(quiet_p50),
        "engine_quiet_p99_ms": ms(quiet_p99),
        "engine_quiet_mean_ms": ms(quiet[2] / quiet[1]) if quiet and quiet[1] else None,
        "engine_quiet_cpu_p50_ms": ms(h.quantile(quiet_cpu, 0.5)) if quiet_cpu else None,
        "engine_quiet_cpu_p99_ms": ms(h.quantile(quiet_cpu, 0.99)) if quiet_cpu else None,
        "job_p50_ms": ms(h.quantile(job, 0.5)),
        "job_p99_ms": ms(h.quantile(job, 0.99)),
        "write_p50_ms": ms(h.quantile(write, 0.5)),
        "write_p99_ms": ms(h.quantile(write, 0.99)),
        "ready_seconds": serve.ready_seconds,
        "ready_seconds_reported": serve.reported_ready_seconds,
        "rss_mb": rss_mb,
        "rss_end_mb": rss_now_mb,
        "serve_cpu_seconds": cpu,
        "serve_cpu_ms_per_ticket": cpu / args.tickets * 1000.0,
        "sandbox_cpu_ms_per_ticket": sandbox_cpu / args.tickets * 1000.0,
        "stop_seconds": stop_seconds,
        "jobs": h.metric_by_label(after, "autotriage_jobs_total", "outcome"),
        "writes_by_state": h.metric_by_label(after, "autotriage_writes_total", "state"),
        "decisions": {"%s/%s" % (s.get("mode"), s.get("outcome")): v
                      for s, v in after.get("autotriage_decisions_total", [])},
        "helpdesk_errors": h.metric_by_label(after, "autotriage_helpdesk_errors_total", "code"),
        "metrics_scrapes": scrapes,
        "log_warnings": len(warnings_in_log),
        "log_warning_sample": [w.strip()[:300] for w in warnings_in_log[:3]],
    }


def peer_cache_path(train_csv):
    """The peer's fitted model depends only on the training file: keyed by its content, so a
    rebuilt binary that generates the same file keeps it. Other peer models are removed."""
    digest = hashlib.sha256()
    with open(train_csv, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    path = os.path.join(h.cache_dir(), "peer-%s-%s.pickle" % ("+".join(HEADS),
                                                              digest.hexdigest()[:16]))
    for old in glob.glob(os.path.join(h.cache_dir(), "peer-*.pickle")):
        if old != path:
            os.unlink(old)
    return path


def run_peer(args, train_csv, sandbox, ids, work_dir, reporter):
    ids_file = os.path.join(work_dir, "peer-ids.json")
    with open(ids_file, "w") as f:
        json.dump(ids, f)
    python = os.environ.get("AUTOTRIAGE_PYTHON", "/usr/bin/python3")
    argv = [python, os.path.join(HERE, "peer_baseline.py"), "--train", train_csv, "--url",
            sandbox.url, "--ids", ids_file, "--fields", ",".join(HEADS)]
    if not args.no_peer_cache:
        argv += ["--cache", peer_cache_path(train_csv)]
    reporter.log("e2e: peer (scikit-learn script): training on the same tickets, then %d tickets "
                 "one by one ..." % len(ids))
    if reporter.verbose:
        reporter.log("$ " + " ".join(argv))
    result = benchlib.run_measured(argv, echo_stderr=reporter.verbose, env=dict(
        os.environ, AUTOTRIAGE_SANDBOX_API_KEY=sandbox.api_key))
    if result.returncode != 0:
        raise BenchError("the scikit-learn peer failed (exit code %d):\n%s\n  (it needs Debian's "
                         "python3-sklearn; set AUTOTRIAGE_PYTHON)" %
                         (result.returncode, benchlib.tail(result.stderr) or "(empty)"))
    return benchlib.parse_json_object(result.stdout, "peer_baseline.py")


def target_results(r):
    out = {}
    for name, (key, op, threshold) in TARGETS.items():
        value = r.get(key)
        out[name] = value is not None and (value <= threshold if op == "<=" else
                                           value >= threshold)
    return out


def human_table(r):
    fmt = benchlib.fmt
    ok = {True: "pass", False: "FAIL"}
    t = r["targets"]
    peer = r.get("peer") or {}
    rows = [
        ["tickets per second", fmt(r["tickets_per_second"]), fmt(peer.get("tickets_per_second")),
         fmt(r.get("speedup_vs_peer")), ">= 1,000 (%s)" % ok[t["tickets_per_second"]]],
        ["engine ms per ticket p50", fmt(r["engine_p50_ms"]), fmt(peer.get("predict_ms_p50")),
         fmt(r.get("engine_p50_speedup_vs_peer")), ""],
        ["engine ms per ticket p99", fmt(r["engine_p99_ms"]), fmt(peer.get("predict_ms_p99")),
         fmt(r.get("engine_p99_speedup_vs_peer")), "<= 1 (%s)" % ok[t["engine_p99_ms"]]],
        ["  its CPU time, p50 / p99",
         "%s / %s" % (fmt(r.get("engine_cpu_p50_ms")), fmt(r.get("engine_cpu_p99_ms"))),
         "", "", ""],
        ["  one ticket at a time, p50 / p99",
         "%s / %s" % (fmt(r.get("engine_quiet_p50_ms")), fmt(r.get("engine_quiet_p99_ms"))),
         "%s / %s" % (fmt(peer.get("predict_ms_p50")), fmt(peer.get("predict_ms_p99"))),
         fmt(r.get("engine_quiet_p99_speedup_vs_peer")), ""],
        ["ready seconds", fmt(r["ready_seconds"]), "-", "", "<= 1 (%s)" % ok[t["ready_seconds"]]],
        ["memory MB", fmt(r["rss_mb"]), fmt(peer.get("rss_end_mb")), "",
         "<= 300 (%s)" % ok[t["rss_mb"]]],
        ["group written, precision", fmt(r["write_precision"]["group"]),
         fmt((peer.get("accuracy") or {}).get("group")), "", ""],
    ]
    lines = ["End to end: %s tickets, webhook -> triage -> write-back against the Freshdesk "
             "sandbox (no rate limit); %d workers, %d dispatchers" %
             (fmt(r["tickets"]), r["workers"], r["dispatchers"]), ""]
    lines.append(benchlib.table(["", "autotriage", "scikit-learn script *", "ratio", "target"],
                                rows))
    lines.append("* the peer: fetch, predict (TF-IDF word 1-2 + char 2-5, LinearSVC, 3 fields), "
                 "PUT and note, one ticket after the other, %s tickets; its 'engine ms' is the "
                 "prediction alone, always one at a time (compare with the one-at-a-time row)" %
                 fmt(peer.get("tickets")))
    lines.append("")
    lines.append("autotriage: %.2f s from the first webhook to the last write (webhooks all "
                 "acknowledged after %.2f s); %s PUTs and %s notes on %s tickets; "
                 "duplicates: %d" % (r["seconds"], r["intake_seconds"], fmt(r["writes_put"]),
                                     fmt(r["writes_note"]), fmt(r["tickets_written"]),
                                     len(r["duplicate_tickets"])))
    lines.append("  jobs %s; writes %s" % (json.dumps(r["jobs"]),
                                            json.dumps(r["writes_by_state"])))
    lines.append("  per ticket: serve CPU %.2f ms, sandbox CPU %.2f ms; job p50/p99 %s/%s ms "
                 "(fetch + triage + commit), write p50/p99 %s/%s ms" %
                 (r["serve_cpu_ms_per_ticket"], r["sandbox_cpu_ms_per_ticket"],
                  fmt(r["job_p50_ms"]), fmt(r["job_p99_ms"]), fmt(r["write_p50_ms"]),
                  fmt(r["write_p99_ms"])))
    lines.append("  engine p99 read from histogram buckets %s ms wide there; ready %.3f s "
                 "measured (%.3f s reported by serve); VmHWM %.1f MB" %
                 (fmt(r["engine_p99_bucket_ms"]), r["ready_seconds"],
                  r["ready_seconds_reported"] or 0, r["rss_mb"]))
    model = r["model"]
    lines.append("model: %s training tickets, heads %s, %.1f MB%s" %
                 (fmt(model["examples"]), ",".join(model["heads"]), model["model_mb"],
                  " (cached)" if model["cached"] else ", trained in %.1f s" %
                  model["train_seconds"]))
    if peer:
        lines.append("peer: fitted in %.1f s%s; per ticket p50/p99 %.2f/%.2f ms (fetch, "
                     "predict, PUT, note); scikit-learn %s" %
                     (peer["train_seconds"], " (cached model)" if peer["model_cached"] else
                      ", peak memory while fitting %.0f MB" % peer["peak_rss_before_loop_mb"],
                      peer["ticket_ms_p50"], peer["ticket_ms_p99"], peer["sklearn_version"]))
        lines.append("memory: autotriage's is the serve process's peak (VmHWM); the peer's is "
                     "its resident size after its loop")
    env = r["environment"]
    lines.append("uptime at the start: %s" % env["uptime_start"])
    lines.append("uptime at the end:   %s" % env["uptime_end"])
    for w in r["warnings"]:
        lines.append("warning: " + w)
    return "\n".join(lines)


def parse_args():
    parser = benchlib.ArgumentParser(
        prog="bench/run e2e",
        description="End-to-end benchmark: autotriage serve triaging and writing back to the "
        "Freshdesk sandbox, and a scikit-learn script doing the same, in one run.")
    parser.add_argument("--json", action="store_true",
                        help="print exactly one JSON object on stdout; progress on stderr")
    parser.add_argument("--tickets", type=int, default=5000,
                        help="tickets the engine triages (default 5000)")
    parser.add_argument("--peer-tickets", type=int, default=500,
                        help="tickets the scikit-learn peer triages (default 500)")
    parser.add_argument("--quiet-tickets", type=int, default=200,
                        help="tickets triaged one at a time after the timed run, for the engine "
                        "time without contention (default 200; 0 skips)")
    parser.add_argument("--training-tickets", type=int, default=40000,
                        help="generated training tickets (default 40000)")
    parser.add_argument("--workers", type=int, default=2,
                        help="engine.workers (default 2, the best of a sweep on 2 cores; see "
                        "docs/benchmarks.md)")
    parser.add_argument("--dispatchers", type=int, default=2,
                        help="engine.dispatchers (default 2)")
    parser.add_argument("--connections", type=int, default=16,
                        help="webhook connections of the load generator (default 16; the "
                        "engine's HTTP server has 64 threads and /metrics needs one)")
    parser.add_argument("--request-timeout-ms", type=int, default=0,
                        help="helpdesk.request_timeout_ms (default: the configuration's default)")
    parser.add_argument("--poll-ms", type=int, default=20,
                        help="/metrics scrape interval while waiting (default 20)")
    parser.add_argument("--timeout", type=int, default=600,
                        help="seconds to wait for every write (default 600)")
    parser.add_argument("--skip-peer", action="store_true", help="do not run the peer")
    parser.add_argument("--no-peer-cache", action="store_true",
                        help="fit the peer's model in this run instead of loading the one cached "
                        "beside the training data")
    parser.add_argument("--baseline-only", action="store_true",
                        help="only the peer (the sandbox still needs the autotriage binary)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the run directory (store, configuration) under bench/out/e2e/")
    parser.add_argument("--check", action="store_true",
                        help="exit with code 4 when a target fails")
    parser.add_argument("--verbose", action="store_true",
                        help="echo the commands and their stderr while they run")
    return parser.parse_args()


def main():
    args = parse_args()
    reporter = benchlib.Reporter(args.json, args.verbose)

    def body():
        if args.tickets < 1 or args.peer_tickets < 0 or args.quiet_tickets < 0 or \
                args.workers < 1 or args.dispatchers < 1 or args.connections < 1:
            raise BenchError("--tickets, --workers, --dispatchers and --connections must be "
                             "positive", benchlib.EXIT_USAGE)
        binary = benchlib.binary_path()
        if not os.access(binary, os.X_OK):
            raise BenchError("%s not found: run through bench/run (which builds it)" % binary)
        warnings = []
        uptime_start = h.uptime_line()
        load_start = list(os.getloadavg())
        busy = benchlib.busy_warning()
        if busy:
            reporter.log("warning: at the start, " + busy)
            warnings.append("at the start, " + busy)
        model, train_csv, model_info = h.cached_model(binary, "e2e", args.training_tickets,
                                                      HEADS, reporter)
        work_dir = tempfile.mkdtemp(prefix="run-", dir=benchlib.out_dir("e2e"))
        sandbox = None
        result = {"ok": True, "tickets": args.tickets, "workers": args.workers,
                  "dispatchers": args.dispatchers, "connections": args.connections}
        try:
            engine_n = 0 if args.baseline_only else args.tickets
            peer_n = 0 if args.skip_peer else args.peer_tickets
            quiet_n = 0 if args.baseline_only else args.quiet_tickets
            test_csv = os.path.join(work_dir, "tickets.csv")
            h.generate_tickets(binary, test_csv, engine_n + quiet_n + peer_n, TEST_SEED,
                               reporter)
            rows = read_rows(test_csv)
            api_key = "bench-" + secrets.token_hex(12)
            sandbox = h.Sandbox(binary, 100, api_key, reporter).start()
            reporter.log("e2e: creating %d tickets in the sandbox ..." % len(rows))
            began = time.perf_counter()
            ids = sandbox.create_tickets([(r["subject"], r["body"]) for r in rows])
            create_seconds = time.perf_counter() - began
            truth = {str(i): {f: row[f] for f in HEADS} for i, row in zip(ids, rows)}
            engine_ids = ids[:engine_n]
            quiet_ids = ids[engine_n:engine_n + quiet_n]
            peer_ids = ids[engine_n + quiet_n:]
            if engine_ids and engine_ids != list(range(engine_ids[0],
                                                       engine_ids[0] + len(engine_ids))):
                raise BenchError("the sandbox gave non-consecutive ticket ids; the load "
                                 "generator needs consecutive ones")
            group_names = sandbox.groups()
            if engine_ids:
                engine = run_engine(args, binary, model, engine_ids, quiet_ids, sandbox, work_dir,
                                    reporter)
                result.update(engine)
                recorded = sandbox.writes()
                checked = check_writes(recorded, engine_ids, truth, group_names)
                quiet_checked = check_writes(recorded, quiet_ids, truth, group_names)
                checked["duplicate_tickets"] += quiet_checked["duplicate_tickets"]
                result.update({"writes": checked["puts"] + checked["notes"],
                               "writes_put": checked["puts"], "writes_note": checked["notes"],
                               "tickets_written": checked["tickets_written"],
                               "duplicate_tickets": checked["duplicate_tickets"],
                               "failed_sandbox_writes": checked["failed_writes"],
                               "written_values": checked["written_values"],
                               "write_precision": checked["precision"]})
                for ticket in checked["duplicate_tickets"][:20]:
                    line = "DUPLICATE: ticket %s got more than one PUT or note" % ticket
                    reporter.log(line)
                    warnings.append(line)
                reporter.log("e2e: %.0f tickets/s, engine p99 %.3f ms, ready %.3f s, %.0f MB" %
                             (result["tickets_per_second"], result["engine_p99_ms"] or 0,
                              result["ready_seconds"], result["rss_mb"]))
            if peer_ids:
                peer = run_peer(args, train_csv, sandbox, peer_ids, work_dir, reporter)
                written = peer.pop("written")
                peer["accuracy"] = {f: sum(written[t][f] == truth[t][f] for t in written) /
                                    len(written) for f in HEADS}
                peer_check = check_writes(sandbox.writes(), peer_ids, truth, group_names)
                peer["writes"] = peer_check["puts"] + peer_check["notes"]
                result["peer"] = peer
                reporter.log("e2e: peer %.1f tickets/s, predict p99 %.2f ms" %
                             (peer["tickets_per_second"], peer["predict_ms_p99"]))
        finally:
            if sandbox is not None:
                sandbox.stop()
            if not args.keep:
                shutil.rmtree(work_dir, ignore_errors=True)
        result["sandbox_create_tickets_per_second"] = len(rows) / create_seconds
        for key in ("tickets_per_second", "engine_p50_ms", "engine_p99_ms", "ready_seconds",
                    "rss_mb", "seconds", "writes"):
            result.setdefault(key, None)
        result.setdefault("write_precision", {f: None for f in HEADS})
        peer = result.get("peer") or {}
        result["speedup_vs_peer"] = benchlib.ratio(result["tickets_per_second"],
                                                   peer.get("tickets_per_second"))
        result["engine_p50_speedup_vs_peer"] = benchlib.ratio(peer.get("predict_ms_p50"),
                                                              result["engine_p50_ms"])
        result["engine_p99_speedup_vs_peer"] = benchlib.ratio(peer.get("predict_ms_p99"),
                                                              result["engine_p99_ms"])
        result["engine_quiet_p99_speedup_vs_peer"] = benchlib.ratio(
            peer.get("predict_ms_p99"), result.get("engine_quiet_p99_ms"))
        result["model"] = model_info
        result["targets"] = target_results(result)
        result["targets_all_pass"] = all(result["targets"].values()) and \
            not result.get("duplicate_tickets")
        result["target_thresholds"] = {n: "%s %g" % (op, t) for n, (_, op, t) in TARGETS.items()}
        busy = benchlib.busy_warning()
        if busy:
            warnings.append("at the end, " + busy)
        result["warnings"] = warnings
        result["environment"] = {"cpus": os.cpu_count(), "load_average_start": load_start,
                                 "load_average_end": list(os.getloadavg()),
                                 "uptime_start": uptime_start, "uptime_end": h.uptime_line(),
                                 "binary": binary}
        if args.json:
            benchlib.emit_json(result)
        elif engine_n:
            print(human_table(result))
        else:
            print(json.dumps(result.get("peer"), indent=2))
        if args.check and not result["targets_all_pass"]:
            return benchlib.EXIT_TARGETS
        return benchlib.EXIT_OK

    return benchlib.main_wrapper(body, lambda: args.json)


if __name__ == "__main__":
    sys.exit(main())
