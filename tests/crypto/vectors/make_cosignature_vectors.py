#!/usr/bin/env python3
"""Known-answer vectors for C2SP tlog-cosignature v1 (Ed25519), c2sp.org/tlog-cosignature.

An independent transcription of the spec's "Format" and "Ed25519 signed message" sections with
Python's `cryptography` package (OpenSSL's Ed25519), sharing no code with the C++ implementation it
checks (crypto/src/cosignature.cpp):
  key id   = SHA-256(name || 0x0A || 0x04 || public key)[:4]
  message  = "cosignature/v1\\n" "time <decimal>\\n" || checkpoint body
  blob     = key id || u64 big-endian timestamp || Ed25519 signature(message)
The keys are RFC 8032 §7.1 TEST 1 and TEST 2; the checkpoint is the example of the spec
(tlog-cosignature.md and tlog-witness.md), with and without an extension line.

Usage: python3 make_cosignature_vectors.py [output]   (default: cosignature_v1.txt next to this file)
"""

import base64
import hashlib
import os
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

SEEDS = [
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",  # RFC 8032 TEST 1
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",  # RFC 8032 TEST 2
]
BODY = ("example.com/behind-the-sofa\n20852163\n"
        "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")
CASES = [
    # (name, seed index, timestamp, checkpoint body)
    ("witness.example.com/w1", 0, 1679315147, BODY),
    ("witness.example/w2", 1, 1, BODY + "an extension line\n"),
    ("w", 0, (1 << 63) - 1, BODY),
]


def vector(name, seed_hex, timestamp, body):
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))
    public = key.public_key().public_bytes(serialization.Encoding.Raw,
                                           serialization.PublicFormat.Raw)
    key_id = hashlib.sha256(name.encode() + b"\n" + b"\x04" + public).digest()[:4]
    message = b"cosignature/v1\n" + b"time " + str(timestamp).encode() + b"\n" + body.encode()
    blob = key_id + struct.pack(">Q", timestamp) + key.sign(message)
    vkey = name + "+" + key_id.hex() + "+" + base64.b64encode(b"\x04" + public).decode()
    line = "\u2014 " + name + " " + base64.b64encode(blob).decode() + "\n"
    return [name, seed_hex, vkey, str(timestamp), base64.b64encode(body.encode()).decode(),
            base64.b64encode(line.encode()).decode()]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__),
                                                             "cosignature_v1.txt")
    with open(out, "w") as f:
        f.write("# C2SP tlog-cosignature v1 (Ed25519) known answers, made by "
                "make_cosignature_vectors.py\n"
                "# (an independent transcription of c2sp.org/tlog-cosignature with Python's\n"
                "# cryptography package). Keys: RFC 8032 §7.1 TEST 1 and 2 seeds; checkpoint: the\n"
                "# spec's example. Format: \"<name> <seed hex> <vkey> <timestamp> "
                "<base64 body> <base64 signature line>\".\n")
        for name, seed, timestamp, body in CASES:
            f.write(" ".join(vector(name, SEEDS[seed], timestamp, body)) + "\n")


if __name__ == "__main__":
    main()
