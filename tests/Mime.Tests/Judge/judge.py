#!/usr/bin/python3
"""Independent judge for the MIME engine: Python 3's standard `email` package.

Reads lines "<path>\t<message|mbox>" on standard input. For every message (an mbox file is split
with `mailbox.mbox`, which starts a message at every line beginning with "From "), prints one JSON
line describing how `email.message_from_bytes` (compat32 policy, the default) sees it:

  {"file": path, "index": i, "defects": [...], "parts": [node, ...]}

with one node per entity in `Message.walk()` order:

  {"depth": d, "type": get_content_type(), "leaf": bool, "filename": str|null,
   "charset": str|null, "length": n, "sha256": hex, "defects": [...]}

`length` and `sha256` describe `get_payload(decode=True)` of a leaf. Filenames are
`get_filename()` passed through `email.header.decode_header` (compat32 leaves RFC 2047 words
encoded); raw 8-bit bytes (kept as surrogate escapes) are read as UTF-8, else Latin-1.

message/delivery-status is the one type Python splits into header blocks with no raw bytes kept;
its node is a leaf whose bytes are a canonical listing of the blocks ("name:value" per field,
whitespace runs collapsed, blank line between blocks), which the engine computes the same way.
"""
import email
import email.header
import hashlib
import json
import mailbox
import sys


def text_of(value):
    if value is None:
        return None
    raw = value.encode("utf-8", "surrogateescape")
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


def describe(msg):
    nodes = []

    def visit(part, depth):
        node = {
            "depth": depth,
            "type": part.get_content_type(),
            "defects": [type(d).__name__ for d in part.defects],
        }
        filename = part.get_filename()
        node["filename"] = text_of(decode_words(filename)) if filename is not None else None
        charset = part.get_param("charset")
        node["charset"] = text_of(email.utils.collapse_rfc2231_value(charset)) if charset else None
        if part.get_content_type() == "message/delivery-status" and part.is_multipart():
            data = canonical_status(part)
            node.update(leaf=True, length=len(data), sha256=hashlib.sha256(data).hexdigest())
            nodes.append(node)
            return
        if part.is_multipart():
            node["leaf"] = False
            nodes.append(node)
            for child in part.get_payload():
                visit(child, depth + 1)
            return
        data = part.get_payload(decode=True)
        if data is None:
            data = b""
        node.update(leaf=True, length=len(data), sha256=hashlib.sha256(data).hexdigest())
        nodes.append(node)

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
            msg = email.message_from_bytes(raw)
            out = {"file": path, "index": index, "parts": describe(msg)}
            sys.stdout.write(json.dumps(out, ensure_ascii=True) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
