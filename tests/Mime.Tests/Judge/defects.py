#!/usr/bin/python3
"""Python's email package on messages the engine wrote: the defects it records and how it sees the parts.

Usage: defects.py FILE...   Prints one JSON line per file:

  {"file": path, "compat32": {"defects": [...], "parts": [node...]},
                 "default": {"defects": [...], "parts": [node...]}}

`defects` lists the class names of every defect on every entity (msg.defects, walk() order), and with
policy.default also the defects of every parsed header; nodes are as judge.py prints them.
"""
import email
import email.policy
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import judge  # noqa: E402


def defects(msg, with_headers):
    found = []
    for part in msg.walk():
        found.extend(type(d).__name__ for d in part.defects)
        if with_headers:
            for _, value in part.items():
                found.extend(type(d).__name__ for d in getattr(value, "defects", ()))
    return found


def main():
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            raw = f.read()
        out = {"file": path}
        for name, policy in (("compat32", email.policy.compat32), ("default", email.policy.default)):
            msg = email.message_from_bytes(raw, policy=policy)
            out[name] = {"defects": defects(msg, name == "default"), "parts": judge.describe(msg)}
        sys.stdout.write(json.dumps(out, ensure_ascii=True) + "\n")


if __name__ == "__main__":
    main()
