#!/usr/bin/python3
"""Independent judge for the MIME engine: Python 3's standard `email` package.

Reads lines "<path>\t<message|mbox>" on standard input. For every message (an mbox file is split
with `mailbox.mbox`, which starts a message at every line beginning with "From "), prints one JSON
line with how `email.message_from_bytes` sees it under both of the package's standard policies:

  {"file": path, "index": i, "compat32": [node, ...], "default": [node, ...]}

compat32 is message_from_bytes' default; email.policy.default is the modern API (it unfolds header
values before reading parameters and keeps 8-bit header bytes, where compat32 does neither). The
test counts the engine as agreeing with Python when it agrees with either policy, and lists the
messages where it agrees with only one.

One node per entity in `Message.walk()` order:

  {"depth": d, "type": get_content_type(), "leaf": bool, "filename": str|null,
   "length": n, "sha256": hex}

`length` and `sha256` describe `get_payload(decode=True)` of a leaf. Filenames are `get_filename()`
with raw 8-bit bytes (kept as surrogate escapes) read as UTF-8, else Latin-1, then passed through
`email.header.decode_header` / `make_header` (compat32 leaves RFC 2047 words encoded).

Two types have no raw bytes in Python's model, so their node is a leaf computed from what Python
kept:
- message/delivery-status is split into header blocks: the node's bytes are a listing of the
  blocks ("name:value" per field, whitespace runs collapsed, a blank line between blocks), which
  the engine computes the same way.
- a message/* part with Content-Transfer-Encoding base64 (RFC 2046 §5.2.1 forbids it) is still
  parsed as a message, so the base64 text becomes the body of a header-less inner message: the
  node's bytes are that text decoded by Python's own base64 path (get_payload(decode=True)).
"""
import email
import email.header
import email.message
import email.policy
import hashlib
import json
import mailbox
import sys


def text_of(value):
    if value is None:
        return None
    raw = str(value).encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def decode_words(value):
    if value is None:
        return None
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except Exception:  # a broken encoded word: Python's own decoder gives up, keep the text
        return value


def canonical_status(part):
    blocks = []
    for block in part.get_payload():
        lines = []
        for name, value in block.items():
            folded = " ".join(str(value).split())
            lines.append(name.lower() + ":" + folded + "\n")
        blocks.append("".join(lines))
    return "\n".join(blocks).encode("utf-8", "surrogateescape")


def encoded_message_bytes(part):
    """The decoded bytes of a base64 message/* part, or None when Python's model does not allow it."""
    if str(part.get("content-transfer-encoding", "")).strip().lower() != "base64":
        return None
    inner = part.get_payload()
    if len(inner) != 1 or len(inner[0].keys()) != 0 or inner[0].is_multipart():
        return None
    carrier = email.message.Message()
    carrier.set_payload(inner[0].get_payload())
    carrier["Content-Transfer-Encoding"] = "base64"
    return carrier.get_payload(decode=True)


def describe(msg):
    nodes = []

    def leaf(node, data):
        node.update(leaf=True, length=len(data), sha256=hashlib.sha256(data).hexdigest())
        nodes.append(node)

    def visit(part, depth):
        node = {"depth": depth, "type": part.get_content_type()}
        filename = part.get_filename()
        node["filename"] = decode_words(text_of(filename)) if filename is not None else None
        if part.is_multipart() and part.get_content_type() == "message/delivery-status":
            return leaf(node, canonical_status(part))
        if part.is_multipart() and part.get_content_maintype() == "message":
            data = encoded_message_bytes(part)
            if data is not None:
                return leaf(node, data)
        if part.is_multipart():
            node["leaf"] = False
            nodes.append(node)
            for child in part.get_payload():
                visit(child, depth + 1)
            return None
        data = part.get_payload(decode=True)
        return leaf(node, data if data is not None else b"")

    visit(msg, 0)
    return nodes


def main():
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            continue
        path, mode = line.split("\t")
        if mode == "mbox":
            box = mailbox.mbox(path, create=False)
            raws = [box.get_bytes(key) for key in box.keys()]
            box.close()
        else:
            with open(path, "rb") as f:
                raws = [f.read()]
        for index, raw in enumerate(raws):
            out = {"file": path, "index": index}
            for name, policy in (("compat32", email.policy.compat32), ("default", email.policy.default)):
                out[name] = describe(email.message_from_bytes(raw, policy=policy))
            sys.stdout.write(json.dumps(out, ensure_ascii=True) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
