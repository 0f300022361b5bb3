"""Dashboard benchmark: how fast the dashboard's pages are over a store of realistic size, and
whether concurrent approvers on one queue ever produce an error or a double dispatch.

bench/tools/dashboard_bench seeds a fresh SQLite store (WAL, synchronous=FULL) in the output
folder with --decisions triage decisions spread over 30 days, decides 3,000 proposals (KPI rows)
and leaves 200 pending in one queue; it then serves the dashboard on loopback and requests every
page and the main API reads --requests times each (after one warm-up view), reading the server's
own time per request from the Server-Timing header; finally --approvers approvers (own API
token and connection each) all try to approve every pending approval of that queue at once.

Keys of --json: page_p99_ms (the slowest page's p99 server time), page_p99_roundtrip_ms,
concurrent_approver_errors (answers other than 200 or 409), double_dispatch (approvals approved
twice, or with more than one planned write), pages (p50/p99 per page), approve_p99_ms, ...
Target: page_p99_ms <= 100, no approver errors, no double dispatch.
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import benchlib  # noqa: E402
from benchlib import BenchError  # noqa: E402

TOOL = "dashboard_bench"
TARGETS = {
    "page_p99_ms": ("page_p99_ms", "<=", 100.0),
    "concurrent_approver_errors": ("concurrent_approver_errors", "<=", 0),
    "double_dispatch": ("double_dispatch", "<=", 0),
}


def tool_path():
    base = os.environ.get("AUTOTRIAGE_BENCH_TOOLS_DIR") or os.path.dirname(benchlib.binary_path())
    path = os.path.join(base, TOOL)
    if not os.access(path, os.X_OK):
        raise BenchError("benchmark tool not found: %s\n  run through bench/run (which builds it), "
                         "or build it: cmake --build build-bench --target %s" % (path, TOOL))
    return path


def parse_args():
    parser = benchlib.ArgumentParser(
        prog="bench/run dashboard", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--check", action="store_true",
                        help="exit 4 when a target is missed")
    parser.add_argument("--decisions", type=int, default=100000,
                        help="decisions to seed (default 100000)")
    parser.add_argument("--requests", type=int, default=200,
                        help="requests per page (default 200)")
    parser.add_argument("--approvers", type=int, default=50,
                        help="concurrent approvers (default 50)")
    parser.add_argument("--approvals", type=int, default=200,
                        help="pending approvals they race for (default 200)")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    parser.add_argument("--verbose", action="store_true", help="show the tool's progress")
    return parser.parse_args()


def evaluate(result):
    targets = {}
    for name, (key, op, threshold) in TARGETS.items():
        value = result.get(key)
        targets[name] = value is not None and (value <= threshold if op == "<=" else
                                               value >= threshold)
    result["targets"] = targets
    result["targets_all_pass"] = all(targets.values()) and result.get("page_errors", 1) == 0
    result["target_thresholds"] = {n: "%s %g" % (op, t) for n, (_, op, t) in TARGETS.items()}


def report(result, reporter):
    ok = {True: "met", False: "MISSED"}
    rows = []
    for page, s in result["pages"].items():
        rows.append([page, benchlib.fmt(s["first_ms"]), benchlib.fmt(s["p50_ms"]),
                     benchlib.fmt(s["p99_ms"]), benchlib.fmt(s["roundtrip_p99_ms"]), s["errors"]])
    reporter.out("Dashboard over %s decisions (%s audit records), %d requests per page\n" % (
        benchlib.fmt(result["decisions"]), benchlib.fmt(result["audit_entries"]),
        result["requests_per_page"]))
    reporter.out(benchlib.table(["page", "first ms", "p50 ms", "p99 ms", "round trip p99 ms",
                                 "errors"], rows))
    reporter.out("(server time from Server-Timing; \"first\" is the warm-up view, which fills the "
                 "KPI cache (60 s) and the audit chain status)")
    reporter.out("\nslowest page p99: %s ms (target <= 100: %s)" % (
        benchlib.fmt(result["page_p99_ms"]), ok[result["targets"]["page_p99_ms"]]))
    reporter.out("%d approvers racing for %d approvals: %d approved, %d refused with 409, "
                 "%d errors (%s), %d double dispatches (%s), approve p99 %s ms" % (
                     result["approvers"], result["approvals"], result["approved"],
                     result["conflicts_409"], result["concurrent_approver_errors"],
                     ok[result["targets"]["concurrent_approver_errors"]],
                     result["double_dispatch"], ok[result["targets"]["double_dispatch"]],
                     benchlib.fmt(result["approve_p99_ms"])))
    warning = benchlib.busy_warning()
    if warning:
        reporter.out("note: " + warning)


def main():
    args = parse_args()
    reporter = benchlib.Reporter(args.json, args.verbose)

    def run():
        work = benchlib.out_dir("dashboard")
        argv = [tool_path(), "--dir", work, "--decisions", str(args.decisions),
                "--requests", str(args.requests), "--approvers", str(args.approvers),
                "--approvals", str(args.approvals)]
        try:
            result, _ = benchlib.run_json_step(argv, TOOL, reporter)
        finally:
            if not args.keep:
                for suffix in ("", "-wal", "-shm"):
                    path = os.path.join(work, "dashboard-bench.db" + suffix)
                    if os.path.exists(path):
                        os.remove(path)
        benchlib.require_keys(result, ["page_p99_ms", "concurrent_approver_errors",
                                       "double_dispatch"], TOOL)
        evaluate(result)
        result["ok"] = True
        if args.json:
            benchlib.emit_json(result)
        else:
            report(result, reporter)
        if args.check and not result["targets_all_pass"]:
            return benchlib.EXIT_TARGETS
        return benchlib.EXIT_OK

    return benchlib.main_wrapper(run, lambda: args.json)


if __name__ == "__main__":
    sys.exit(main())
