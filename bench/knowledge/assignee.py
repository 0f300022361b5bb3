"""Assignee benchmark: runs bench/tools/assignee_eval and prints its JSON, with the issue's target.

Usage: python3 bench/knowledge/assignee.py --tools-dir DIR --out DIR [--count N] [--seed S]

assignee_eval learns from the first 80% of a deterministic synthetic resolved history (the data
the sandbox helpdesk seeds itself with) and asks for the top 2 assignees of each held-back
ticket, beside a popularity baseline measured in the same run (see the tool's header comment).
The JSON is also written to OUT/assignee.json. Exit status 1 when the tool fails.
"""

import argparse
import json
import os
import subprocess
import sys

TARGET_TOP2 = 0.70  # issue 5, part 4: the true resolver is in the top 2 for >= 70%


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools-dir", required=True, help="directory holding assignee_eval")
    parser.add_argument("--out", required=True, help="directory for assignee.json")
    parser.add_argument("--count", type=int, default=5000, help="synthetic tickets")
    parser.add_argument("--seed", type=int, default=20240301, help="generator seed")
    args = parser.parse_args()

    tool = os.path.join(args.tools_dir, "assignee_eval")
    if not os.access(tool, os.X_OK):
        print(f"assignee.py: {tool} is missing or not executable "
              "(build the assignee_eval target)", file=sys.stderr)
        return 1
    command = [tool, "--count", str(args.count), "--seed", str(args.seed)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"assignee.py: {' '.join(command)} exited with {done.returncode}: "
              f"{done.stderr.strip()}", file=sys.stderr)
        return 1
    try:
        result = json.loads(done.stdout)
    except json.JSONDecodeError as error:
        print(f"assignee.py: assignee_eval printed no JSON ({error}): {done.stdout[:200]!r}",
              file=sys.stderr)
        return 1
    result["target_top2"] = TARGET_TOP2
    result["target_met"] = result["assignee_top2"] >= TARGET_TOP2

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "assignee.json"), "w", encoding="utf-8") as out:
        json.dump(result, out, indent=2)
        out.write("\n")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
