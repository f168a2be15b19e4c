#!/usr/bin/env python3
"""The split of every labelled set in ../shared/data: a comment is in the *dev* part when the
first byte of SHA-1(id) is even, else in the *held-out* part. Rules are written reading dev only;
the held-out figures are the ones quoted.

    scripts/split.py FILE.jsonl dev|heldout   # prints that part's lines
"""
import hashlib
import json
import sys


def part(comment_id: str) -> str:
    return "dev" if hashlib.sha1(comment_id.encode("utf-8")).digest()[0] % 2 == 0 else "heldout"


def main() -> None:
    path, want = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip() and part(str(json.loads(line)["id"])) == want:
                sys.stdout.write(line)


if __name__ == "__main__":
    main()
