"""The peer of bench/run e2e: a scikit-learn triage script against the same Freshdesk sandbox.

What such a peer does (a polling script around a scikit-learn pipeline, the usual way to add ML
triage to a helpdesk): train once, then for each new ticket, one after the other, fetch it over
the REST API, predict group, priority and type, PUT the fields and POST a private note.

The model is the project's fixed baseline (docs/benchmarks.md): a FeatureUnion of
TfidfVectorizer(ngram_range=(1, 2)) and TfidfVectorizer(analyzer="char", ngram_range=(2, 5)),
then LinearSVC() with its defaults; the features are fitted once and shared by the three
fields (one LinearSVC each). Requests use urllib (a new connection per request, as a plain
script does) with Basic auth; the API key comes from AUTOTRIAGE_SANDBOX_API_KEY.

Prints one JSON object: tickets, seconds, tickets_per_second, predict_ms_p50/p99 (vectorising
and the three predictions of one ticket), ticket_ms_p50/p99 (fetch + predict + PUT + note),
train_seconds, peak_rss_mb, sklearn_version, and the labels written per ticket (for the
harness's accuracy check).

The fitted model can be cached (--cache FILE, a pickle written by this script and read back
only by it): training takes minutes, and the figures compared are those of the triage loop.
train_seconds is then the time of the run that fitted it.

Usage: peer_baseline.py --train CSV --url URL --ids FILE [--fields group,priority,type]
                        [--cache FILE]
"""

import argparse
import base64
import csv
import json
import os
import pickle
import resource
import sys
import time
import urllib.request

PRIORITY_IDS = {"Low": 1, "Medium": 2, "High": 3, "Urgent": 4}


def vm_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return None


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


class Api:
    def __init__(self, url, api_key):
        self.url = url.rstrip("/")
        self.auth = "Basic " + base64.b64encode((api_key + ":X").encode()).decode()

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Authorization", self.auth)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")


def read_training(path, fields):
    texts, labels = [], {f: [] for f in fields}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            texts.append((row["subject"] or "") + "\n" + (row["body"] or ""))
            for field in fields:
                labels[field].append(row[field] or "")
    return texts, labels


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--ids", required=True, help="JSON file with the list of ticket ids")
    parser.add_argument("--fields", default="group,priority,type")
    parser.add_argument("--cache", help="pickle of the fitted model, written if absent")
    args = parser.parse_args()

    import sklearn
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion
    from sklearn.svm import LinearSVC

    fields = [f for f in args.fields.split(",") if f]
    with open(args.ids) as f:
        ids = json.load(f)
    api = Api(args.url, os.environ.get("AUTOTRIAGE_SANDBOX_API_KEY", ""))

    cached = bool(args.cache) and os.path.isfile(args.cache)
    if cached:
        with open(args.cache, "rb") as f:
            saved = pickle.load(f)
        features, models, train_seconds = saved["features"], saved["models"], saved["seconds"]
        if sorted(models) != sorted(fields):
            raise SystemExit("the cached model %s has fields %s, not %s" %
                             (args.cache, sorted(models), sorted(fields)))
    else:
        texts, labels = read_training(args.train, fields)
        start = time.perf_counter()
        features = FeatureUnion([("word", TfidfVectorizer(ngram_range=(1, 2))),
                                 ("char", TfidfVectorizer(analyzer="char", ngram_range=(2, 5)))])
        matrix = features.fit_transform(texts)
        models = {field: LinearSVC().fit(matrix, labels[field]) for field in fields}
        train_seconds = time.perf_counter() - start
        del matrix, texts, labels
        if args.cache:
            with open(args.cache + ".tmp", "wb") as f:
                pickle.dump({"features": features, "models": models, "seconds": train_seconds},
                            f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(args.cache + ".tmp", args.cache)
    peak_before_loop_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

    group_ids = {g["name"]: g["id"] for g in api.call("GET", "/api/v2/groups?per_page=100")}
    predict_ms, ticket_ms, written = [], [], {}
    # Warm-up outside the timing: the first predictions pay for lazy initialisation.
    for _ in range(3):
        x = features.transform(["warm up"])
        for model in models.values():
            model.predict(x)
    start = time.perf_counter()
    for ticket_id in ids:
        t0 = time.perf_counter()
        ticket = api.call("GET", "/api/v2/tickets/%d" % ticket_id)
        text = (ticket.get("subject") or "") + "\n" + (ticket.get("description") or "")
        p0 = time.perf_counter()
        x = features.transform([text])
        predicted = {field: str(model.predict(x)[0]) for field, model in models.items()}
        predict_ms.append((time.perf_counter() - p0) * 1000.0)
        update = {}
        if "group" in predicted and predicted["group"] in group_ids:
            update["group_id"] = group_ids[predicted["group"]]
        if "priority" in predicted and predicted["priority"] in PRIORITY_IDS:
            update["priority"] = PRIORITY_IDS[predicted["priority"]]
        if "type" in predicted:
            update["type"] = predicted["type"]
        api.call("PUT", "/api/v2/tickets/%d" % ticket_id, update)
        note = "Triaged by the scikit-learn script: " + ", ".join(
            "%s=%s" % kv for kv in sorted(predicted.items()))
        api.call("POST", "/api/v2/tickets/%d/notes" % ticket_id, {"body": note, "private": True})
        ticket_ms.append((time.perf_counter() - t0) * 1000.0)
        written[str(ticket_id)] = predicted
    seconds = time.perf_counter() - start
    predict_ms.sort()
    ticket_ms.sort()
    print(json.dumps({
        "tickets": len(ids),
        "seconds": seconds,
        "tickets_per_second": len(ids) / seconds if seconds > 0 else None,
        "predict_ms_p50": percentile(predict_ms, 0.5),
        "predict_ms_p99": percentile(predict_ms, 0.99),
        "ticket_ms_p50": percentile(ticket_ms, 0.5),
        "ticket_ms_p99": percentile(ticket_ms, 0.99),
        "train_seconds": train_seconds,
        "fields": fields,
        "model_cached": cached,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "peak_rss_before_loop_mb": peak_before_loop_mb,
        "rss_end_mb": vm_rss_mb(),
        "sklearn_version": sklearn.__version__,
        "written": written,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
