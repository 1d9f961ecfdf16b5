#!/usr/bin/python3
"""Decodes test inputs the way Python's email package does, for the engine's codec tests.

Reads JSON lines {"cte": "base64"|"quoted-printable", "data": <hex>} on standard input and prints one
hex line per input: what email.message.Message.get_payload(decode=True) returns for that body.
"""
import email.message
import json
import sys

for line in sys.stdin:
    item = json.loads(line)
    msg = email.message.Message()
    msg.set_payload(bytes.fromhex(item["data"]).decode("ascii", "surrogateescape"))
    msg["Content-Transfer-Encoding"] = item["cte"]
    sys.stdout.write(msg.get_payload(decode=True).hex() + "\n")
