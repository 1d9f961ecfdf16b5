# The test vector of docs/attachments.md §3.1, computed without MailFilter: Python hashlib/hmac (HKDF-SHA256, RFC 5869)
# and PyNaCl (Debian python3-nacl) for ChaCha20-Poly1305 (RFC 8439). Run: /usr/bin/python3 docs/vectors/attachment-object.py
import hashlib, hmac, struct
from nacl.bindings import crypto_aead_chacha20poly1305_ietf_encrypt as enc
def hkdf(ikm, info, salt=b"", n=32):
    prk = hmac.new(salt or b"\0"*32, ikm, hashlib.sha256).digest()
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest(); out += t; i += 1
    return out[:n]
master = bytes(range(32))
k_att = hkdf(master, b"mailfilter/v1 attachment-content")
k_name = hkdf(master, b"mailfilter/v1 attachment-name")
content = b"hello, attachments\n"
sha = hashlib.sha256(content).digest()
key = hkdf(k_att, b"mailfilter/v1 attachment-key" + sha)
name = hmac.new(k_name, sha, hashlib.sha256).hexdigest()
header = b"MFA1" + struct.pack(">I", 65536) + struct.pack(">Q", len(content))
nonce = struct.pack(">I", 1) + struct.pack(">Q", 0)
obj = header + enc(content, header, nonce, key)
print(sha.hex()); print(name); print(key.hex()); print(obj.hex())
