"""Processes and measurements shared by the engine benchmarks (bench/run e2e, bench/run intake).

What lives here:
- trained models cached under build-bench/bench-cache/, keyed by the autotriage binary's mtime
  and size (a rebuilt binary retrains; a rerun with the same binary reuses the model);
- `autotriage sandbox` as a child (free port, API key through the environment);
- `autotriage serve` as a child: its configuration file, the readiness clock (process start to
  the first 200 from /readyz, polled every 10 ms), /metrics scraping, peak memory (VmHWM) and
  CPU time from /proc, and a SIGTERM stop;
- Prometheus text parsing and histogram quantiles computed as Prometheus' histogram_quantile
  does (linear within the bucket).

Standard library only; secrets (API key, webhook secret) go through the environment, never on a
command line.
"""

import base64
import glob
import http.client
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import benchlib  # noqa: E402
from benchlib import BenchError  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def uptime_line():
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True,
                              timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "load average: %s" % ", ".join("%.2f" % x for x in os.getloadavg())


# ---------------------------------------------------------------------------------------------
# Models cached per binary.

def cache_dir():
    base = os.environ.get("AUTOTRIAGE_BENCH_BUILD_DIR") or os.path.join(benchlib.repo_root(),
                                                                         "build-bench")
    path = os.path.join(base, "bench-cache")
    os.makedirs(path, exist_ok=True)
    return path


def binary_key(binary):
    st = os.stat(binary)
    return "%d-%d" % (st.st_mtime_ns, st.st_size)


def run_step(argv, what, reporter, env=None):
    if reporter.verbose:
        reporter.log("$ " + " ".join(argv))
    result = benchlib.run_measured(argv, echo_stderr=reporter.verbose, env=env)
    if result.returncode != 0:
        raise BenchError("%s failed (exit code %d): %s\n--- its stderr (last lines) ---\n%s" %
                         (what, result.returncode, " ".join(argv),
                          benchlib.tail(result.stderr) or "(empty)"))
    return result


def generate_tickets(binary, path, count, seed, reporter):
    run_step([binary, "dataset", "generate", "--count", str(count), "--seed", str(seed),
              "--out", path], "autotriage dataset generate", reporter)


def cached_model(binary, name, count, heads, reporter, seed=42, train_args=()):
    """(model path, training CSV path, info) for `count` generated tickets (seed `seed`) and
    one head per field in `heads`; trained once per binary. Older entries of `name` (other
    binaries) are removed so the cache holds one model per name."""
    key = "%s-%d-%s-s%d-%s" % (name, count, "+".join(heads), seed, binary_key(binary))
    if train_args:
        key += "-" + "_".join(a.strip("-") for a in train_args)
    model = os.path.join(cache_dir(), key + ".model")
    data = os.path.join(cache_dir(), key + ".csv")
    info_path = os.path.join(cache_dir(), key + ".json")
    if os.path.isfile(model) and os.path.isfile(data) and os.path.isfile(info_path):
        with open(info_path) as f:
            info = json.load(f)
        info["cached"] = True
        return model, data, info
    for old in glob.glob(os.path.join(cache_dir(), name + "-*")):
        os.unlink(old)
    reporter.log("%s: generating %d training tickets and training the %s heads (cached under "
                 "%s for this binary) ..." % (name, count, ", ".join(heads), cache_dir()))
    generate_tickets(binary, data, count, seed, reporter)
    trained = run_step([binary, "train", "--data", data, "--text-column", "subject,body",
                        "--label-column", ",".join(heads), "--out", model + ".tmp", "--json"] +
                       list(train_args), "autotriage train", reporter)
    os.replace(model + ".tmp", model)
    info = {"train_seconds": trained.wall_seconds, "train_cpu_seconds": trained.cpu_seconds,
            "train_peak_rss_mb": trained.peak_rss_mb, "examples": count, "heads": heads,
            "model_mb": os.path.getsize(model) / 1e6}
    with open(info_path, "w") as f:
        json.dump(info, f)
    info["cached"] = False
    return model, data, info


# ---------------------------------------------------------------------------------------------
# Child processes.

def proc_cpu_seconds(pid):
    """user + system CPU seconds of a running process, all threads (from /proc/PID/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def proc_status_mb(pid, key):
    """VmHWM / VmRSS of a running process in MiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0
    return None


class Child:
    """A long-running child with its stderr collected (and echoed with --verbose)."""

    def __init__(self, argv, env, reporter, what):
        self.argv = argv
        self.env = env
        self.reporter = reporter
        self.what = what
        self.proc = None
        self.stderr_lines = []
        self.started_at = None

    def spawn(self):
        if self.reporter.verbose:
            self.reporter.log("$ " + " ".join(self.argv))
        self.started_at = time.perf_counter()
        try:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         env=self.env)
        except OSError as e:
            raise BenchError("cannot run %s: %s" % (self.argv[0], e))
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        return self

    def _drain_stderr(self):
        for line in self.proc.stderr:
            self.stderr_lines.append(line.decode("utf-8", "replace"))
            if self.reporter.verbose:
                sys.stderr.write(self.stderr_lines[-1])

    def stderr_tail(self):
        return benchlib.tail("".join(self.stderr_lines)) or "(no output)"

    def first_stdout_line(self, timeout):
        lines = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.proc.stdout.readline()),
                         daemon=True).start()
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise BenchError("%s printed nothing within %d s:\n%s" %
                             (self.what, timeout, self.stderr_tail()))
        if not line:
            self.kill()
            raise BenchError("%s did not start (exit code %s):\n%s" %
                             (self.what, self.proc.poll(), self.stderr_tail()))
        return benchlib.parse_json_object(line.decode("utf-8", "replace"), self.what)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=60):
        """SIGTERM, then wait; returns the exit code (SIGKILL after `timeout` seconds)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise BenchError("%s did not stop within %d s of SIGTERM" % (self.what, timeout))
        return self.proc.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Sandbox(Child):
    """`autotriage sandbox --kind freshdesk` without webhooks or rate limit."""

    def __init__(self, binary, tickets, api_key, reporter, seed=42):
        argv = [binary, "sandbox", "--kind", "freshdesk", "--tickets", str(tickets), "--seed",
                str(seed), "--port", "0", "--json"]
        super().__init__(argv, dict(os.environ, AUTOTRIAGE_SANDBOX_API_KEY=api_key), reporter,
                         "autotriage sandbox")
        self.api_key = api_key
        self.url = None
        self.port = None

    def start(self, timeout=60):
        self.spawn()
        info = self.first_stdout_line(timeout)
        benchlib.require_keys(info, ["url", "port"], "autotriage sandbox --json")
        self.url = info["url"]
        self.port = int(info["port"])
        return self

    def create_tickets(self, rows):
        """POSTs each (subject, body_html) to /_sandbox/tickets over one keep-alive connection;
        returns the new ids in order."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        ids = []
        try:
            for i, (subject, body) in enumerate(rows):
                payload = json.dumps({"subject": subject, "description": body,
                                      "email": "bench%d@example.com" % i,
                                      "name": "Bench Requester %d" % i})
                conn.request("POST", "/_sandbox/tickets", body=payload,
                             headers={"Content-Type": "application/json"})
                response = conn.getresponse()
                text = response.read()
                if response.status != 201:
                    raise BenchError("POST /_sandbox/tickets answered %d: %s" %
                                     (response.status, text[:300]))
                ids.append(int(json.loads(text)["id"]))
        finally:
            conn.close()
        return ids

    def writes(self):
        with urllib.request.urlopen(self.url + "/_sandbox/writes", timeout=120) as r:
            return json.loads(r.read())

    def groups(self):
        request = urllib.request.Request(self.url + "/api/v2/groups?per_page=100")
        request.add_header("Authorization", basic_auth(self.api_key))
        with urllib.request.urlopen(request, timeout=30) as r:
            return {int(g["id"]): g["name"] for g in json.loads(r.read())}


def basic_auth(api_key):
    return "Basic " + base64.b64encode((api_key + ":X").encode()).decode()


def serve_config(path, helpdesk, db_path, model_path, workers, dispatchers, cells=(),
                 extra_helpdesk=(), extra_engine=()):
    """Writes a serve configuration. `helpdesk` is "sandbox" (built in) or a URL of a Freshdesk
    sandbox (API key from ${BENCH_HELPDESK_API_KEY}); the webhook secret is
    ${BENCH_WEBHOOK_SECRET}."""
    lines = ["# Written by the benchmark harness (bench/e2e/engine_harness.py).", "helpdesk:"]
    if helpdesk == "sandbox":
        lines.append("  kind: sandbox")
    else:
        lines += ["  kind: freshdesk", "  url: %s" % helpdesk,
                  "  api_key: ${BENCH_HELPDESK_API_KEY}"]
    lines += ["  %s: %s" % kv for kv in extra_helpdesk]
    lines += ["store:", "  backend: sqlite", "  sqlite_path: %s" % json.dumps(db_path),
              "server:", "  listen_address: 127.0.0.1", "  port: 0",
              "  webhook_secret: ${BENCH_WEBHOOK_SECRET}",
              "models:", "  active: %s" % json.dumps(model_path),
              "policy:", "  default_mode: monitor"]
    if cells:
        lines.append("  cells:")
        for queue_name, field, mode in cells:
            lines.append("    - {queue: %s, field: %s, mode: %s}" %
                         (json.dumps(queue_name), field, mode))
    lines += ["engine:", "  workers: %d" % workers, "  dispatchers: %d" % dispatchers]
    lines += ["  %s: %s" % kv for kv in extra_engine]
    lines += ["log:", "  level: warn", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


class Serve(Child):
    """`autotriage serve --config F --json` on a port chosen here, so that /readyz can be polled
    from the moment the process starts."""

    def __init__(self, binary, config_path, env, reporter):
        self.port = free_port()
        argv = [binary, "serve", "--config", config_path, "--port", str(self.port), "--json"]
        super().__init__(argv, env, reporter, "autotriage serve")
        self.url = "http://127.0.0.1:%d" % self.port
        self.ready_seconds = None
        self.reported_ready_seconds = None
        self.start_line = None

    def start(self, timeout=120, poll_seconds=0.01):
        """Starts the process and polls GET /readyz every `poll_seconds` until it answers 200;
        ready_seconds is from just before the process was spawned to that answer."""
        self.spawn()
        began = self.started_at
        deadline = began + timeout
        while True:
            if self.proc.poll() is not None:
                raise BenchError("autotriage serve exited with code %d before it was ready:\n%s" %
                                 (self.proc.returncode, self.stderr_tail()))
            status = http_status(self.url + "/readyz", timeout=1.0)
            if status == 200:
                self.ready_seconds = time.perf_counter() - began
                break
            if time.perf_counter() > deadline:
                self.kill()
                raise BenchError("autotriage serve was not ready within %d s (last /readyz "
                                 "status: %s):\n%s" % (timeout, status, self.stderr_tail()))
            time.sleep(poll_seconds)
        self.start_line = self.first_stdout_line(10)
        self.reported_ready_seconds = self.start_line.get("ready_seconds")
        return self

    def metrics(self):
        with urllib.request.urlopen(self.url + "/metrics", timeout=30) as r:
            return parse_metrics(r.read().decode("utf-8", "replace"))

    def cpu_seconds(self):
        return proc_cpu_seconds(self.proc.pid)

    def peak_rss_mb(self):
        return proc_status_mb(self.proc.pid, "VmHWM")

    def rss_mb(self):
        return proc_status_mb(self.proc.pid, "VmRSS")


def http_status(url, timeout):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, OSError, http.client.HTTPException):
        return None


# ---------------------------------------------------------------------------------------------
# Prometheus text.

def parse_metrics(text):
    """{name: [(labels dict, value)]} from the Prometheus text exposition format."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name_part, _, value = line.rpartition(" ")
        labels = {}
        if "{" in name_part:
            name, _, rest = name_part.partition("{")
            for item in split_labels(rest.rstrip("}")):
                key, _, raw = item.partition("=")
                labels[key] = raw.strip('"')
        else:
            name = name_part
        out.setdefault(name, []).append((labels, float(value)))
    return out


def split_labels(text):
    items, current, quoted = [], "", False
    for i, c in enumerate(text):
        if c == '"' and (i == 0 or text[i - 1] != "\\"):
            quoted = not quoted
        if c == "," and not quoted:
            items.append(current)
            current = ""
        else:
            current += c
    if current:
        items.append(current)
    return items


def metric_value(metrics, name, **labels):
    """Sum of the series of `name` whose labels include `labels` (0 when absent)."""
    total = 0.0
    for series_labels, value in metrics.get(name, []):
        if all(series_labels.get(k) == v for k, v in labels.items()):
            total += value
    return total


def metric_by_label(metrics, name, label):
    return {s.get(label, ""): v for s, v in metrics.get(name, [])}


def histogram(metrics, name):
    """(cumulative buckets [(upper bound, count)], count, sum) of a histogram."""
    buckets = []
    for labels, value in metrics.get(name + "_bucket", []):
        bound = labels.get("le")
        buckets.append((float("inf") if bound == "+Inf" else float(bound), value))
    buckets.sort()
    return buckets, metric_value(metrics, name + "_count"), metric_value(metrics, name + "_sum")


def histogram_delta(after, before):
    """The observations made between two scrapes of the same histogram."""
    b_after, count_after, sum_after = after
    b_before, count_before, sum_before = before
    earlier = dict(b_before)
    return ([(le, c - earlier.get(le, 0.0)) for le, c in b_after], count_after - count_before,
            sum_after - sum_before)


def quantile(hist, q):
    """Prometheus' histogram_quantile: linear interpolation inside the bucket holding rank q*n
    (the first bucket starts at 0; a rank in +Inf gives the largest finite bound)."""
    buckets, count, _ = hist
    if count <= 0 or not buckets:
        return None
    rank = q * count
    previous_bound, previous_count = 0.0, 0.0
    for bound, cumulative in buckets:
        if cumulative >= rank:
            if bound == float("inf"):
                return previous_bound
            in_bucket = cumulative - previous_count
            if in_bucket <= 0:
                return bound
            return previous_bound + (bound - previous_bound) * (rank - previous_count) / in_bucket
        previous_bound, previous_count = bound, cumulative
    return previous_bound


def bucket_resolution_at(hist, value):
    """Width of the bucket that holds `value` (how precise a quantile read there is)."""
    previous = 0.0
    for bound, _ in hist[0]:
        if value is not None and value <= bound:
            return bound - previous if bound != float("inf") else None
        previous = bound
    return None
