"""scikit-learn peer for recurring-issue clustering: TF-IDF + MiniBatchKMeans.

Reads the texts insights_bench wrote (one JSON string, a tab, one JSON label per line), so both
sides cluster exactly the same 50,000 texts. TfidfVectorizer(sublinear_tf=True, min_df=2,
max_features=20000, English stop words) then MiniBatchKMeans(n_clusters=K, batch_size=4096,
n_init=1, random_state=0). `cluster_seconds` is the wall time of vectorising, fitting and
assigning every text (reading the file is not counted). Purity is the size-weighted share of
each cluster's majority label. A priori settings, nothing tuned.

Prints one JSON object on stdout (progress on stderr). Run with Debian's /usr/bin/python3.
"""

import argparse
import collections
import json
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", required=True)
    parser.add_argument("--clusters", type=int, required=True)
    args = parser.parse_args()
    try:
        from sklearn.cluster import MiniBatchKMeans
        from sklearn.feature_extraction.text import TfidfVectorizer
    except ImportError as e:
        sys.exit("scikit-learn is missing (apt install python3-sklearn): %s" % e)
    texts, labels = [], []
    with open(args.texts, encoding="utf-8") as f:
        for line in f:
            text, label = line.rstrip("\n").split("\t", 1)
            texts.append(json.loads(text))
            labels.append(json.loads(label))
    sys.stderr.write("sklearn: MiniBatchKMeans k=%d on %d texts\n" % (args.clusters, len(texts)))
    start = time.perf_counter()
    matrix = TfidfVectorizer(sublinear_tf=True, min_df=2, max_features=20000,
                             stop_words="english").fit_transform(texts)
    model = MiniBatchKMeans(n_clusters=args.clusters, batch_size=4096, n_init=1,
                            random_state=0)
    assignment = model.fit_predict(matrix)
    seconds = time.perf_counter() - start
    by_cluster = collections.defaultdict(collections.Counter)
    for cluster, label in zip(assignment, labels):
        by_cluster[cluster][label] += 1
    majority = sum(max(c.values()) for c in by_cluster.values())
    print(json.dumps({"cluster_seconds": seconds, "clusters": len(by_cluster),
                      "k": args.clusters, "purity": majority / len(texts)}))


if __name__ == "__main__":
    main()
