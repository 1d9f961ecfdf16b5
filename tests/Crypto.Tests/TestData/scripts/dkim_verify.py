#!/usr/bin/python3
"""Verifies a MailFilter-Signature header with dkimpy, offline.

usage: dkim_verify.py MESSAGE.eml ED25519_PUBLIC_KEY_BASE64

The header is DKIM syntax under its own name with q=x-mailfilter, so DKIM.verify() (which insists on
DKIM-Signature and q=dns/txt) is bypassed: verify_sig() is called directly with the parsed tags and a
dnsfunc that returns the key record (envelope-v1 reference §3.10). Prints PASS or FAIL.
"""
import re
import sys

import dkim
from dkim.util import parse_tag_value

NAME = b"mailfilter-signature"


def main() -> None:
    message = open(sys.argv[1], "rb").read()
    key_record = b"v=DKIM1; k=ed25519; p=" + sys.argv[2].encode("ascii")

    d = dkim.DKIM(message)
    fields = [(name, value) for name, value in d.headers if name.lower() == NAME]
    if not fields:
        print("NONE")
        return
    name, value = fields[0]
    tags = parse_tag_value(value)
    include = [h.lower() for h in re.split(rb"\s*:\s*", tags[b"h"].strip())]

    def dnsfunc(domain, timeout=5):
        return key_record

    print("PASS" if d.verify_sig(tags, include, (name, value), dnsfunc) else "FAIL")


main()
