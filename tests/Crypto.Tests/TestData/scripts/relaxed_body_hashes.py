#!/usr/bin/python3
"""Prints SHA-256 (hex) of dkimpy's relaxed body canonicalization of each base64 body on stdin, one per line."""
import base64
import hashlib
import sys

from dkim.canonicalization import Relaxed

for line in sys.stdin.read().split():
    print(hashlib.sha256(Relaxed.canonicalize_body(base64.b64decode(line))).hexdigest())
