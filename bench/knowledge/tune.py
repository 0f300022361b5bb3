"""KB search settings by cross-validation on StackFAQ: prepares the index and runs kb_tune.

Not part of `bench/run knowledge`; run it when the ranking changes and copy the figures into
docs/knowledge.md (the library defaults in src/autotriage/knowledge/kb_index.h are its
`proposed_defaults`):

  python3 bench/knowledge/tune.py [--bin build-bench/bin/autotriage] [--tools-dir build-bench/bin]

Steps (files under --out, default bench/out/knowledge-tune):
  1. the StackFAQ threads as a Markdown folder and the queries as JSON lines (as stackfaq.py);
  2. `autotriage kb sync --markdown` into a fresh index;
  3. unrelated queries for the relevance floor: every 8th message of banking77's test split
     (385 short banking questions) and the first 400 texts of it-service-tickets' test split
     (ticket-length, IT but not web applications);
  4. kb_tune (bench/tools/kb_tune.cc): 5 folds by query position; per fold the settings are
     chosen on the other four and measured on it. Prints kb_tune's JSON object on stdout.
"""

import csv
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "lib"))
import benchlib  # noqa: E402
import stackfaq  # noqa: E402

BANKING_STRIDE = 8
IT_TICKETS = 400


def unrelated_queries(data_dir):
    out = []
    banking = os.path.join(data_dir, "banking77", "test.csv")
    with open(banking, encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if i % BANKING_STRIDE == 0:
                out.append({"query": row["text"], "source": "banking77"})
    tickets = os.path.join(data_dir, "it-service-tickets", "test.csv.gz")
    count = 0
    with benchlib.open_text(tickets) as f:
        for row in csv.DictReader(f):
            text = (row.get("Document") or "").strip()
            if text:
                out.append({"query": text, "source": "it-service-tickets"})
                count += 1
            if count == IT_TICKETS:
                break
    return out


def main():
    parser = benchlib.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", help="autotriage binary (default $AUTOTRIAGE_BIN or build-bench)")
    parser.add_argument("--tools-dir", help="where kb_tune is (default: beside --bin)")
    parser.add_argument("--data-dir", help="public data folder (default $AUTOTRIAGE_DATA_DIR)")
    parser.add_argument("--out", help="scratch folder (default bench/out/knowledge-tune)")
    args = parser.parse_args()
    binary = args.bin or benchlib.binary_path()
    tools = args.tools_dir or os.path.dirname(binary)
    data_dir = args.data_dir or benchlib.data_dir()
    out = args.out or benchlib.out_dir("knowledge-tune")
    os.makedirs(out, exist_ok=True)
    articles, queries = stackfaq.load_stackfaq(data_dir)
    md = os.path.join(out, "stackfaq-md")
    stackfaq.write_markdown(md, articles)
    queries_path = os.path.join(out, "stackfaq-queries.jsonl")
    with open(queries_path, "w", encoding="utf-8") as f:
        for q in queries:
            f.write(json.dumps(q) + "\n")
    unrelated_path = os.path.join(out, "unrelated.jsonl")
    with open(unrelated_path, "w", encoding="utf-8") as f:
        for q in unrelated_queries(data_dir):
            f.write(json.dumps(q) + "\n")
    index = os.path.join(out, "stackfaq.db")
    stackfaq.sync(binary, md, index)
    argv = [os.path.join(tools, "kb_tune"), "--index", index, "--queries", queries_path,
            "--unrelated", unrelated_path]
    stackfaq.log("$ " + " ".join(argv))
    return subprocess.run(argv, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
