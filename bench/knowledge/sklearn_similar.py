"""scikit-learn reference for similar tickets: TF-IDF cosine k-nearest neighbours.

The history (train file) is vectorised with TfidfVectorizer(sublinear_tf=True, min_df=2), word
unigrams, the library's default tokeniser; each query (test file) gets its k most cosine-similar
history tickets by exact brute force (sparse matrix products in chunks). Reports the share of
returned neighbours whose label equals the query's label, and the time per query. Fixed a-priori
settings; nothing is tuned on the test file.

Prints one JSON object on stdout (progress on stderr). Run with Debian's /usr/bin/python3.
"""

import argparse
import csv
import gzip
import json
import sys
import time


def read(path, text_column, label_column):
    opener = gzip.open if path.endswith(".gz") else open
    texts, labels = [], []
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as f:
        reader = csv.DictReader(f)
        for column in (text_column, label_column):
            if column not in (reader.fieldnames or []):
                sys.exit("%s: no column '%s'" % (path, column))
        for row in reader:
            texts.append(row[text_column] or "")
            labels.append((row[label_column] or "").strip())
    return texts, labels


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--text-column", default="Document")
    parser.add_argument("--label-column", default="Topic_group")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--chunk", type=int, default=256)
    args = parser.parse_args()

    import numpy as np
    import sklearn
    from sklearn.feature_extraction.text import TfidfVectorizer

    history_texts, history_labels = read(args.history, args.text_column, args.label_column)
    query_texts, query_labels = read(args.queries, args.text_column, args.label_column)
    history_labels = np.array(history_labels, dtype=object)

    start = time.perf_counter()
    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2)
    history = vectorizer.fit_transform(history_texts).tocsr()
    history_t = history.T.tocsr()
    build_seconds = time.perf_counter() - start
    print("scikit-learn: %d history tickets vectorised in %.2f s; querying %d" %
          (history.shape[0], build_seconds, len(query_texts)), file=sys.stderr, flush=True)

    same = returned = 0
    start = time.perf_counter()
    for begin in range(0, len(query_texts), args.chunk):
        chunk = query_texts[begin:begin + args.chunk]
        scores = (vectorizer.transform(chunk) @ history_t).toarray()
        k = min(args.k, scores.shape[1])
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        for row, neighbours in enumerate(top):
            # Like our index, a neighbour must share at least one term with the query.
            neighbours = [n for n in neighbours if scores[row, n] > 0]
            returned += len(neighbours)
            truth = query_labels[begin + row]
            same += sum(1 for n in neighbours if history_labels[n] == truth)
    query_seconds = time.perf_counter() - start
    n = max(len(query_texts), 1)
    json.dump({
        "similar_top5_same_label": same / returned if returned else 0.0,
        "neighbours_returned": returned,
        "queries": len(query_texts),
        "history": history.shape[0],
        "build_seconds": build_seconds,
        # Batched (chunks of --chunk queries), so this is throughput, not one query's latency.
        "query_us_mean_batched": query_seconds / n * 1e6,
        "sklearn_version": sklearn.__version__,
    }, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
