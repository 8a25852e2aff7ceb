#!/usr/bin/env python3
"""An independent check of a Psephos ballot tlog-proof (docs/proof-bundle.md §5), transcribed from
the specs rather than from the C++: c2sp.org/tlog-proof (the file), c2sp.org/signed-note and
c2sp.org/tlog-checkpoint (the log's signature), c2sp.org/tlog-cosignature (Ed25519
cosignature/v1), RFC 6962 §2.1.1 / RFC 9162 §2.1.3.2 (inclusion), with Python's `cryptography`
for Ed25519. Psephos's own part is step 1, the leaf hash: the extra data's last field is the
election log's 0x0C record (docs/encoding.md §14), whose district checkpoint must hold the
ballot's record at its index.

    check_tlog_proof.py FILE.tlog-proof KEYS [--tamper]

KEYS: one line "log VKEY" (the election log's note key) and "witness VKEY" lines (cosigner keys),
all of which must have cosigned. --tamper also changes every byte of the file in turn and requires
each change to fail (or the file to stop parsing)."""

import base64
import hashlib
import struct
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Refused(Exception):
    pass


def b64(text):
    raw = base64.b64decode(text, validate=True)
    if base64.b64encode(raw).decode() != text:
        raise Refused("not canonical base64: " + text[:20])
    return raw


def parse_vkey(text, type_byte):
    name, key_id, key = text.split("+", 2)
    key = b64(key)
    if key[0] != type_byte or len(key) != 33:
        raise Refused("vkey type")
    computed = hashlib.sha256(name.encode() + b"\n" + key).digest()[:4]
    if computed.hex() != key_id:
        raise Refused("vkey id")
    return name, computed, Ed25519PublicKey.from_public_bytes(key[1:])


def parse_proof(text):
    lines = text.split("\n")
    if lines[0] != "c2sp.org/tlog-proof@v1":
        raise Refused("header")
    i = 1
    extra = None
    if lines[i].startswith("extra "):
        extra = b64(lines[i][6:])
        i += 1
    if not lines[i].startswith("index "):
        raise Refused("index line")
    index_text = lines[i][6:]
    if not index_text.isdigit() or (len(index_text) > 1 and index_text[0] == "0"):
        raise Refused("index")
    index = int(index_text)
    i += 1
    proof = []
    while lines[i] != "":
        h = b64(lines[i])
        if len(h) != 32:
            raise Refused("proof hash length")
        proof.append(h)
        i += 1
    checkpoint = "\n".join(lines[i + 1:])
    return extra, index, proof, checkpoint


def split_note(note):
    if not note.endswith("\n") or "\n\n" not in note:
        raise Refused("note form")
    body, sigs = note.split("\n\n", 1)
    body += "\n"
    out = []
    for line in sigs[:-1].split("\n"):
        if not line.startswith("\u2014 "):
            raise Refused("signature line")
        name, sig = line[2:].split(" ")
        out.append((name, b64(sig)))
    return body, out


def open_note(note, vkey):
    name, key_id, key = parse_vkey(vkey, 0x01)
    body, sigs = split_note(note)
    for sig_name, sig in sigs:
        if sig_name == name and sig[:4] == key_id:
            try:
                key.verify(sig[4:], body.encode())
            except InvalidSignature:
                raise Refused("log signature")
            lines = body.split("\n")
            if lines[0] != name:
                raise Refused("origin")
            return int(lines[1]), b64(lines[2])
    raise Refused("no log signature")


def check_cosignature(note, vkey):
    name, key_id, key = parse_vkey(vkey, 0x04)
    body, sigs = split_note(note)
    for sig_name, sig in sigs:
        if sig_name == name and sig[:4] == key_id:
            if len(sig) != 76:
                raise Refused("cosignature length")
            (timestamp,) = struct.unpack(">Q", sig[4:12])
            message = b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + body.encode()
            try:
                key.verify(sig[12:], message)
            except InvalidSignature:
                raise Refused("cosignature of " + name)
            return
    raise Refused("no cosignature of " + name)


def node(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_inclusion(leaf, index, size, proof):
    # RFC 9162 §2.1.3.2.
    if index >= size:
        raise Refused("index beyond the tree")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise Refused("proof too long")
        if fn & 1 or fn == sn:
            r = node(p, r)
            if not fn & 1:
                while fn != 0 and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Refused("proof too short")
    return r


def leaf_hash_from_extra(extra):
    # Psephos's ballot chain (docs/proof-bundle.md §5).
    if extra is None or extra[0] != 0x01:
        raise Refused("extra version")
    at = 1
    (n,) = struct.unpack(">I", extra[at:at + 4])
    ballot = extra[at + 4:at + 4 + n]
    at += 4 + n
    (ballot_index,) = struct.unpack(">Q", extra[at:at + 8])
    count = extra[at + 8]
    at += 9
    district_proof = [extra[at + 32 * i:at + 32 * (i + 1)] for i in range(count)]
    at += 32 * count
    (n,) = struct.unpack(">I", extra[at:at + 4])
    record = extra[at + 4:at + 4 + n]
    if len(record) != n or at + 4 + n != len(extra):
        raise Refused("extra length")
    # The 0x0C record: type, version 1, text district_id, text signed_checkpoint.
    if record[:2] != b"\x0c\x01":
        raise Refused("not a 0x0C record")
    (n,) = struct.unpack(">I", record[2:6])
    (m,) = struct.unpack(">I", record[6 + n:10 + n])
    if 10 + n + m != len(record):
        raise Refused("0x0C record length")
    district_note = record[10 + n:].decode()
    body = district_note.split("\n\n", 1)[0].split("\n")
    district_size, district_root = int(body[1]), b64(body[2])
    ballot_leaf = hashlib.sha256(b"\x00" + ballot).digest()
    if root_from_inclusion(ballot_leaf, ballot_index, district_size, district_proof) != district_root:
        raise Refused("the ballot is not in its district checkpoint")
    return hashlib.sha256(b"\x00" + record).digest()


def check(text, keys):
    extra, index, proof, checkpoint = parse_proof(text)
    leaf = leaf_hash_from_extra(extra)                       # step 1
    size, root = open_note(checkpoint, keys["log"][0])       # step 2
    for w in keys["witness"]:                                # step 3 (n of n)
        check_cosignature(checkpoint, w)
    if root_from_inclusion(leaf, index, size, proof) != root:  # step 4
        raise Refused("inclusion")
    return index, size


def main():
    args = [a for a in sys.argv[1:] if a != "--tamper"]
    text = open(args[0], encoding="utf-8").read()
    keys = {"log": [], "witness": []}
    for line in open(args[1], encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            kind, vkey = line.split()
            keys[kind].append(vkey)
    index, size = check(text, keys)
    print(f"PASS {args[0]}: entry {index} of {size}, {len(keys['witness'])} cosignatures")
    if "--tamper" in sys.argv:
        raw = text.encode()
        for at in range(len(raw)):
            changed = bytearray(raw)
            changed[at] ^= 0x01
            try:
                check(changed.decode("utf-8"), keys)
            except (Refused, ValueError, IndexError, UnicodeDecodeError, struct.error):
                continue
            sys.exit(f"FAIL: byte {at} changed and the proof still verifies")
        print(f"PASS every one of {len(raw)} bytes changed fails")


if __name__ == "__main__":
    main()
