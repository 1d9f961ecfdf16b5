#!/usr/bin/python3
"""Independent check of a MailFilter envelope v1 container, written from docs/envelope.md alone.

usage: verify_container.py ENVELOPE.age CONTAINER.bin SENDER_ED25519_PUBLIC_KEY_HEX

ENVELOPE.age is the age file (for its header); CONTAINER.bin is its plaintext as `age -d` wrote it.
Prints one JSON object: the parsed manifest, the content SHA-256 and whether the signature verifies.
"""
import hashlib
import json
import struct
import sys

import nacl.exceptions
import nacl.signing


def age_header(envelope: bytes) -> bytes:
    # The header runs through the LF that ends the "--- <mac>" line (age v1).
    mac_line = envelope.index(b"\n--- ") + 1
    return envelope[: envelope.index(b"\n", mac_line) + 1]


class Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ValueError("truncated")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def u8(self) -> int:
        return self.take(1)[0]

    def u16(self) -> int:
        return struct.unpack(">H", self.take(2))[0]

    def u64(self) -> int:
        return struct.unpack(">Q", self.take(8))[0]


def parse_manifest(manifest: bytes) -> dict:
    r = Reader(manifest)
    sender = r.take(r.u8()).decode("utf-8")
    sender_kid = r.take(16)
    created = r.u64()
    message_id = r.take(r.u8()).decode("ascii")
    n = r.u16()
    recipients = []
    for _ in range(n):
        address = r.take(r.u8())
        kid = r.take(16)
        recipients.append((address, kid))
    if r.pos != len(manifest):
        raise ValueError("manifest has trailing bytes")
    if recipients != sorted(recipients) or len(set(recipients)) != n:
        raise ValueError("recipients not strictly sorted")
    return {
        "sender": sender,
        "sender_kid": sender_kid.hex(),
        "created": created,
        "message_id": message_id,
        "recipients": [[a.decode("utf-8"), k.hex()] for a, k in recipients],
    }


def main() -> None:
    envelope = open(sys.argv[1], "rb").read()
    container = open(sys.argv[2], "rb").read()
    public_key = bytes.fromhex(sys.argv[3])

    r = Reader(container)
    preamble = r.take(8)
    if preamble != b"MFSM\x01\x01\x01\x00":
        raise ValueError("bad preamble")
    manifest = r.take(r.u16())
    length = r.u64()
    content = r.take(length)
    signature = r.take(64)
    if r.pos != len(container):
        raise ValueError("bytes after the signature")

    tbs = (
        b"mailfilter/v1 signed-message\x00"
        + preamble
        + hashlib.sha256(age_header(envelope)).digest()
        + hashlib.sha256(manifest).digest()
        + struct.pack(">Q", length)
        + hashlib.sha256(content).digest()
    )
    assert len(tbs) == 141
    try:
        nacl.signing.VerifyKey(public_key).verify(tbs, signature)
        valid = True
    except nacl.exceptions.BadSignatureError:
        valid = False

    result = parse_manifest(manifest)
    result["content_sha256"] = hashlib.sha256(content).hexdigest()
    result["valid"] = valid
    print(json.dumps(result))


main()
