"""Intake benchmark: how many webhook events per second `autotriage serve` acknowledges with each
event stored durably before its 202, and at what latency.

What runs: `autotriage serve` with engine.workers: 0 and engine.dispatchers: 0 (intake only: the
HttpServer, the webhook routes with secret check and JSON parsing, the GroupCommitter and the
SQLite store, WAL and synchronous=FULL, in a fresh directory on the benchmark's disk), the
built-in sandbox as its helpdesk and a small model (serve requires one; it is not used by
intake), driven by bench/tools/webhook_load (one epoll thread, --connections keep-alive
connections, Freshdesk-shaped payloads with distinct ticket ids, closed loop).

Reference rows, same load, not targets, from bench/tools/webhook_intake_server: the same routes
over an in-memory store (what durability costs), a handler that answers 202 without parsing (the
HTTP server's own ceiling) and, with --tool-sqlite, that tool's own SQLite mode (what serve adds
around the same intake).

"durable" is true when the SQLite file, read after serve stopped on SIGTERM, holds one job per
acknowledged event, is in WAL mode, and every answer was a 202. See docs/benchmarks.md.
"""

import os
import queue
import secrets
import shutil
import sqlite3
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import benchlib  # noqa: E402
import engine_harness as harness  # noqa: E402
from benchlib import BenchError  # noqa: E402

TOOLS = ["webhook_load", "webhook_intake_server"]
MODES = ["serve", "sqlite", "memory", "trivial"]
MODE_TITLES = {"serve": "autotriage serve (SQLite)", "sqlite": "tool, SQLite",
               "memory": "tool, in-memory store", "trivial": "tool, trivial handler"}
BASELINES = ["sqlite", "memory", "trivial"]

# target name -> (key, comparison, threshold)
TARGETS = {
    "events_per_second": ("events_per_second", ">=", 10000.0),
    "p99_ms": ("p99_ms", "<=", 20.0),
}


def tools_dir():
    env = os.environ.get("AUTOTRIAGE_BENCH_TOOLS_DIR")
    if env:
        return env
    return os.path.dirname(benchlib.binary_path())


def find_tools():
    base = tools_dir()
    paths = {t: os.path.join(base, t) for t in TOOLS}
    missing = [p for p in paths.values() if not os.access(p, os.X_OK)]
    if missing:
        raise BenchError("benchmark tools not found: %s\n  run through bench/run (which builds "
                         "them), or build them: cmake --build build-bench --target %s" %
                         (", ".join(missing), " ".join(TOOLS)))
    return paths


def fsync_ms(directory, rounds=40):
    """Median time of a 4 KiB write + fsync in `directory`: the floor of one durable commit."""
    path = os.path.join(directory, "fsync-probe.bin")
    times = []
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        for _ in range(rounds):
            os.write(fd, b"x" * 4096)
            start = time.perf_counter()
            os.fsync(fd)
            times.append((time.perf_counter() - start) * 1000.0)
    finally:
        os.close(fd)
        os.unlink(path)
    times.sort()
    return times[len(times) // 2]


class IntakeServer:
    """webhook_intake_server as a child; stopped by closing its stdin."""

    def __init__(self, binary, mode, db_path, workers, secret, reporter):
        self.argv = [binary, "--mode", mode, "--db", db_path, "--workers", str(workers)]
        self.env = dict(os.environ, AUTOTRIAGE_WEBHOOK_SECRET=secret)
        self.reporter = reporter
        self.proc = None
        self.port = None
        self._stderr = []

    def start(self, timeout=30):
        if self.reporter.verbose:
            self.reporter.log("$ " + " ".join(self.argv))
        try:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, env=self.env)
        except OSError as e:
            raise BenchError("cannot run %s: %s" % (self.argv[0], e))
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        lines = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.proc.stdout.readline()),
                         daemon=True).start()
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise BenchError("the intake server printed nothing within %d s" % timeout)
        if not line:
            self.kill()
            raise BenchError("the intake server did not start:\n%s" %
                             (benchlib.tail("".join(self._stderr)) or "(no output)"))
        info = benchlib.parse_json_object(line.decode("utf-8", "replace"),
                                          "webhook_intake_server")
        self.port = int(info["port"])
        return self

    def _drain_stderr(self):
        for line in self.proc.stderr:
            self._stderr.append(line.decode("utf-8", "replace"))
            if self.reporter.verbose:
                sys.stderr.write(self._stderr[-1])

    def stop(self):
        """Closes stdin; returns the server's closing JSON (commit counts, CPU seconds)."""
        self.proc.stdin.close()
        out = self.proc.stdout.read()  # to EOF: the server prints its summary and exits
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill()
            raise BenchError("the intake server did not stop within 60 s")
        if self.proc.returncode != 0:
            raise BenchError("the intake server failed (exit code %d):\n%s" %
                             (self.proc.returncode, benchlib.tail("".join(self._stderr))))
        return benchlib.parse_json_object(out.decode("utf-8", "replace"),
                                          "webhook_intake_server (at exit)")

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def count_jobs(db_path):
    """Jobs and the journal mode in the SQLite file, read through a separate connection."""
    db = sqlite3.connect(db_path)
    try:
        jobs = db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0]
        journal = db.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        db.close()
    return jobs, journal


def load_argv(tools, port, args):
    return [tools["webhook_load"], "--port", str(port), "--connections", str(args.connections),
            "--events", str(args.events), "--warmup", str(args.warmup)]


def run_load(tools, port, args, secret, reporter):
    argv = load_argv(tools, port, args)
    if reporter.verbose:
        reporter.log("$ " + " ".join(argv))
    load = benchlib.run_measured(argv, echo_stderr=reporter.verbose,
                                 env=dict(os.environ, AUTOTRIAGE_WEBHOOK_SECRET=secret))
    if load.returncode != 0:
        raise BenchError("webhook_load failed (exit code %d):\n%s" %
                         (load.returncode, benchlib.tail(load.stderr) or "(empty)"))
    result = benchlib.parse_json_object(load.stdout, "webhook_load")
    result["load_cpu_seconds"] = load.cpu_seconds
    result["load_cpu_us_per_event"] = load.cpu_seconds / (args.events + args.warmup) * 1e6
    return result


def durability(result, db_path, args):
    jobs, journal = count_jobs(db_path)
    result["jobs_in_file"] = jobs
    result["journal_mode"] = journal
    acknowledged = result["accepted"] + args.warmup
    result["durable"] = (journal == "wal" and jobs == acknowledged and
                         result["accepted"] == args.events and result["errors"] == 0)


def run_tool(tools, mode, args, work_dir, secret, reporter):
    """One reference row: bench/tools/webhook_intake_server in `mode`."""
    db_path = os.path.join(work_dir, "intake-%s.db" % mode)
    workers = args.workers or args.connections + 32
    server = IntakeServer(tools["webhook_intake_server"], mode, db_path, workers, secret,
                          reporter).start()
    try:
        result = run_load(tools, server.port, args, secret, reporter)
    finally:
        closing = server.stop() if server.proc.poll() is None else {}
    answered = args.events + args.warmup
    result["server_cpu_us_per_event"] = closing.get("cpu_seconds", 0) / answered * 1e6
    result["mean_batch"] = closing.get("mean_batch")
    result["commit_mean_ms"] = closing.get("commit_mean_ms")
    result["commit_p99_ms"] = closing.get("commit_p99_ms")
    if mode == "sqlite":
        durability(result, db_path, args)
    return result


def run_serve(tools, args, work_dir, secret, reporter):
    """The measured row: `autotriage serve` with engine.workers: 0 (intake only)."""
    binary = benchlib.binary_path()
    model, _, _ = harness.cached_model(binary, "intake", 2000, ["group"], reporter,
                                       train_args=("--no-fasttext",))
    db_path = os.path.join(work_dir, "serve.db")
    config = os.path.join(work_dir, "serve.yaml")
    harness.serve_config(config, "sandbox", db_path, model, workers=0, dispatchers=0)
    env = dict(os.environ, BENCH_WEBHOOK_SECRET=secret)
    serve = harness.Serve(binary, config, env, reporter).start()
    try:
        before = serve.metrics()
        cpu_before = serve.cpu_seconds()
        result = run_load(tools, serve.port, args, secret, reporter)
        cpu = serve.cpu_seconds() - cpu_before
        after = serve.metrics()
        rss_mb = serve.peak_rss_mb()
    finally:
        exit_code = serve.stop()
    if exit_code != 0:
        raise BenchError("autotriage serve exited with code %s on SIGTERM:\n%s" %
                         (exit_code, serve.stderr_tail()))
    commit = harness.histogram_delta(harness.histogram(after, "autotriage_inbox_commit_seconds"),
                                     harness.histogram(before, "autotriage_inbox_commit_seconds"))
    batch = harness.histogram_delta(
        harness.histogram(after, "autotriage_inbox_commit_batch_size"),
        harness.histogram(before, "autotriage_inbox_commit_batch_size"))
    answered = args.events + args.warmup
    result["server_cpu_us_per_event"] = cpu / answered * 1e6
    result["mean_batch"] = batch[2] / batch[1] if batch[1] else None
    result["commit_mean_ms"] = commit[2] / commit[1] * 1000.0 if commit[1] else None
    p99 = harness.quantile(commit, 0.99)
    result["commit_p99_ms"] = p99 * 1000.0 if p99 is not None else None
    result["serve_ready_seconds"] = serve.ready_seconds
    result["serve_rss_mb"] = rss_mb
    result["serve_events_counted"] = harness.metric_value(after, "autotriage_inbox_events_total")
    durability(result, db_path, args)
    return result


def assemble(args, runs, fsync_p50, load_start, load_end, warnings):
    r = {"ok": True,
         "server": "autotriage serve (engine.workers: 0, SQLite store, synchronous=FULL)",
         "events": args.events, "warmup_events": args.warmup, "connections": args.connections}
    durable = runs.get("serve")
    if durable is not None:
        r.update({k: durable.get(k) for k in (
            "events_per_second", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms", "durable",
            "jobs_in_file", "mean_batch", "commit_mean_ms", "commit_p99_ms",
            "server_cpu_us_per_event", "load_cpu_us_per_event", "statuses", "errors",
            "serve_ready_seconds", "serve_rss_mb")})
    else:
        r.update({"events_per_second": None, "p99_ms": None, "p50_ms": None, "durable": False})
    r["baseline"] = {}
    for mode in BASELINES:
        if mode in runs:
            run = runs[mode]
            r["baseline"][mode] = {k: run.get(k) for k in (
                "events_per_second", "p50_ms", "p99_ms", "server_cpu_us_per_event",
                "load_cpu_us_per_event", "errors", "durable", "mean_batch")}
    r["fsync_ms"] = fsync_p50
    targets = {}
    for name, (key, op, threshold) in TARGETS.items():
        value = r.get(key)
        if value is None:
            targets[name] = False
        elif op == "<=":
            targets[name] = value <= threshold
        else:
            targets[name] = value >= threshold
    r["targets"] = targets
    r["targets_all_pass"] = all(targets.values()) and bool(r.get("durable"))
    r["target_thresholds"] = {name: "%s %g" % (op, t) for name, (_, op, t) in TARGETS.items()}
    r["warnings"] = warnings
    r["environment"] = {"cpus": os.cpu_count(), "load_average_start": load_start,
                        "load_average_end": load_end, "uptime_start": args.uptime_start,
                        "uptime_end": harness.uptime_line(), "tools_dir": tools_dir(),
                        "binary": benchlib.binary_path()}
    return r


def human_table(r):
    fmt = benchlib.fmt
    ok = {True: "pass", False: "FAIL"}
    base = r["baseline"]
    columns = [("serve", r if r.get("events_per_second") is not None else None)]
    columns += [(mode, base[mode]) for mode in BASELINES if mode in base]

    def cells(key):
        return [fmt(c[key]) if c is not None and c.get(key) is not None else "-"
                for _, c in columns]

    rows = [
        ["events per second"] + cells("events_per_second") +
        [">= 10,000 (%s)" % ok[r["targets"]["events_per_second"]]],
        ["p50 ms"] + cells("p50_ms") + [""],
        ["p99 ms"] + cells("p99_ms") + ["<= 20 (%s)" % ok[r["targets"]["p99_ms"]]],
        ["events per commit"] + cells("mean_batch") + [""],
        ["server CPU us/event"] + cells("server_cpu_us_per_event") + [""],
        ["load generator CPU us/event"] + cells("load_cpu_us_per_event") + [""],
    ]
    lines = ["Webhook intake, %s events over %d keep-alive connections (after %s warm-up)" %
             (fmt(r["events"]), r["connections"], fmt(r["warmup_events"])),
             "server: " + r["server"], ""]
    headers = [""] + [MODE_TITLES[m] + ("" if m == "serve" else " *") for m, _ in columns]
    lines.append(benchlib.table(headers + ["target"], rows))
    lines.append("* reference rows, not targets (bench/tools/webhook_intake_server): the same "
                 "routes and group commit without serve around them")
    if r.get("events_per_second") is not None:
        lines.append("durable: %s (%s jobs in serve's SQLite file for %s acknowledged events; "
                     "WAL, synchronous=FULL)" %
                     (fmt(r["durable"]), fmt(r["jobs_in_file"]),
                      fmt(r["events"] + r["warmup_events"])))
        lines.append("group commit: %.1f events per commit on average, commit mean %.2f ms, "
                     "p99 %.2f ms (from serve's histograms); fsync on this disk: %.2f ms "
                     "(median)" % (r["mean_batch"] or 0, r["commit_mean_ms"] or 0,
                                   r["commit_p99_ms"] or 0, r["fsync_ms"]))
        lines.append("serve: ready after %.2f s, peak memory %.0f MB" %
                     (r["serve_ready_seconds"], r["serve_rss_mb"] or 0))
    env = r["environment"]
    lines.append("uptime at the start: %s" % env["uptime_start"])
    lines.append("uptime at the end:   %s" % env["uptime_end"])
    for w in r["warnings"]:
        lines.append("warning: " + w)
    return "\n".join(lines)


def parse_args():
    parser = benchlib.ArgumentParser(
        prog="bench/run intake",
        description="Webhook intake benchmark: events per second and latency of `autotriage "
        "serve` (intake only) with every event committed to SQLite (fsync) before its 202; "
        "reference rows from the intake-only tool.")
    parser.add_argument("--json", action="store_true",
                        help="print exactly one JSON object on stdout; progress on stderr")
    parser.add_argument("--events", type=int, default=50000,
                        help="measured events per run (default 50000)")
    parser.add_argument("--warmup", type=int, default=2000,
                        help="events sent first and not measured (default 2000)")
    parser.add_argument("--connections", type=int, default=64,
                        help="concurrent keep-alive connections (default 64, as many as serve "
                        "has HTTP threads)")
    parser.add_argument("--workers", type=int, default=0,
                        help="the tool's worker threads (default connections + 32)")
    parser.add_argument("--tool-sqlite", action="store_true",
                        help="add the tool's own SQLite mode as a reference row")
    parser.add_argument("--skip-baselines", action="store_true",
                        help="only the serve run")
    parser.add_argument("--baseline-only", action="store_true",
                        help="only the reference rows (no serve run)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the SQLite files (under bench/out/intake/)")
    parser.add_argument("--check", action="store_true",
                        help="exit with code 4 when a target fails")
    parser.add_argument("--verbose", action="store_true",
                        help="echo the commands and their stderr while they run")
    return parser.parse_args()


def main():
    args = parse_args()
    reporter = benchlib.Reporter(args.json, args.verbose)

    def body():
        if args.events < 1 or args.warmup < 0 or args.connections < 1:
            raise BenchError("--events and --connections must be positive", benchlib.EXIT_USAGE)
        tools = find_tools()
        modes = [m for m in MODES if (m != "sqlite" or args.tool_sqlite) and
                 not (args.skip_baselines and m != "serve") and
                 not (args.baseline_only and m == "serve")]
        warnings = []
        args.uptime_start = harness.uptime_line()
        load_start = list(os.getloadavg())
        busy = benchlib.busy_warning()
        if busy:
            reporter.log("warning: at the start, " + busy)
            warnings.append("at the start, " + busy)
        work_dir = os.path.join(benchlib.out_dir("intake"), "run-%d" % os.getpid())
        os.makedirs(work_dir, exist_ok=True)
        secret = "bench-" + secrets.token_hex(16)
        runs = {}
        try:
            fsync_p50 = fsync_ms(work_dir)
            for mode in modes:
                reporter.log("intake: %s: %d events over %d connections ..." %
                             (MODE_TITLES[mode], args.events, args.connections))
                if mode == "serve":
                    runs[mode] = run_serve(tools, args, work_dir, secret, reporter)
                else:
                    runs[mode] = run_tool(tools, mode, args, work_dir, secret, reporter)
                reporter.log("intake: %s: %.0f events/s, p99 %.2f ms" %
                             (MODE_TITLES[mode], runs[mode]["events_per_second"],
                              runs[mode]["p99_ms"]))
        finally:
            if not args.keep:
                shutil.rmtree(work_dir, ignore_errors=True)
        busy = benchlib.busy_warning()
        if busy:
            warnings.append("at the end, " + busy)
        result = assemble(args, runs, fsync_p50, load_start, list(os.getloadavg()), warnings)
        if args.json:
            benchlib.emit_json(result)
        else:
            print(human_table(result))
        if args.check and not result["targets_all_pass"]:
            return benchlib.EXIT_TARGETS
        return benchlib.EXIT_OK

    return benchlib.main_wrapper(body, lambda: args.json)


if __name__ == "__main__":
    sys.exit(main())
