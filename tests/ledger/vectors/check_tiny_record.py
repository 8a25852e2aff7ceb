#!/usr/bin/env python3
"""An independent verifier of a Psephos election record, written from docs/election-record.md
(and docs/encoding.md, docs/election-manifest.md) with the Python standard library only:
SHA-256, SHA-512 and BLAKE2b from hashlib, ristretto255 (RFC 9496) and Ed25519 (RFC 8032) in
plain Python below. It shares no code with Psephos.

    check_tiny_record.py [--record DIR] [--expected FILE | --write-expected FILE] [--doc FILE]
                         [--tamper]
    check_tiny_record.py --record DIR --anchors-only

Runs the verification steps V1-V31 on the record (default: tiny-record/ next to this script),
printing one line per step, and collects the intermediate values of docs/election-record.md §6.
It then compares them with the expected-values file (default: tiny-record-expected.txt next to
this script), or writes that file with --write-expected. With --doc it also checks that the
document lists exactly those values, and with --tamper that each of a list of changes to a copy
of the record (some then re-signed with the tiny record's public test ledger key) makes the step
that should catch it fail. Exit status 0 if everything passes, 1 otherwise. The group arithmetic
is plain Python, so it is meant for small records (the tiny one takes half a second).
With --anchors-only it runs V28 and only the steps V28 builds on (V1-V5, V10, and V11-V12 of the
election and bridge logs) on a record with a bridge log (tst_record_anchors runs it on its anchored records); the anchor transactions'
conditions are in check_anchor_transactions.py next to this script.
"""

import argparse
import base64
import functools
import hashlib
import json
import os
import re
import sys

from check_anchor_transactions import bitcoin_faults, evm_faults

# ---- ristretto255 (RFC 9496) over edwards25519 -------------------------------------------------

P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def is_negative(x):
    return (x % P) & 1


def fabs(x):
    x %= P
    return P - x if is_negative(x) else x


def sqrt_ratio_m1(u, v):
    u %= P
    v %= P
    v3 = v * v % P * v % P
    v7 = v3 * v3 % P * v % P
    r = u * v3 % P * pow(u * v7 % P, (P - 5) // 8, P) % P
    check = v * r % P * r % P
    correct = check == u
    flipped = check == (-u) % P
    flipped_i = check == (-u * SQRT_M1) % P
    if flipped or flipped_i:
        r = r * SQRT_M1 % P
    return correct or flipped, fabs(r)


INVSQRT_A_MINUS_D = sqrt_ratio_m1(1, (-1 - D) % P)[1]
assert INVSQRT_A_MINUS_D == 54469307008909316920995813868745141605393597292927456921205312896311721017578

IDENTITY = (0, 1, 1, 0)


def add(p1, p2):
    x1, y1, z1, t1 = p1
    x2, y2, z2, t2 = p2
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * D * t1 % P * t2 % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def neg(p):
    x, y, z, t = p
    return ((-x) % P, y, z, (-t) % P)


def sub(p1, p2):
    return add(p1, neg(p2))


def mul(k, p):
    k %= L
    r = IDENTITY
    for bit in bin(k)[2:] if k else "":
        r = add(r, r)
        if bit == "1":
            r = add(r, p)
    return r


class Invalid(Exception):
    pass


def point_decode(b):
    """RFC 9496 §4.3.1; raises Invalid."""
    if len(b) != 32:
        raise Invalid("a point is 32 bytes")
    s = int.from_bytes(b, "little")
    if s >= P or is_negative(s):
        raise Invalid("not a canonical ristretto255 encoding")
    ss = s * s % P
    u1 = (1 - ss) % P
    u2 = (1 + ss) % P
    u2_sqr = u2 * u2 % P
    v = (-(D * u1 % P * u1) - u2_sqr) % P
    was_square, invsqrt = sqrt_ratio_m1(1, v * u2_sqr)
    den_x = invsqrt * u2 % P
    den_y = invsqrt * den_x % P * v % P
    x = fabs(2 * s * den_x)
    y = u1 * den_y % P
    t = x * y % P
    if not was_square or is_negative(t) or y == 0:
        raise Invalid("not a valid ristretto255 encoding")
    return (x, y, 1, t)


def point_encode(p):
    x0, y0, z0, t0 = p
    u1 = (z0 + y0) * (z0 - y0) % P
    u2 = x0 * y0 % P
    _, invsqrt = sqrt_ratio_m1(1, u1 * u2 % P * u2)
    den1 = invsqrt * u1 % P
    den2 = invsqrt * u2 % P
    z_inv = den1 * den2 % P * t0 % P
    ix0 = x0 * SQRT_M1 % P
    iy0 = y0 * SQRT_M1 % P
    enchanted = den1 * INVSQRT_A_MINUS_D % P
    if is_negative(t0 * z_inv):
        x, y, den_inv = iy0, ix0, enchanted
    else:
        x, y, den_inv = x0, y0, den2
    if is_negative(x * z_inv):
        y = (-y) % P
    s = fabs(den_inv * (z0 - y))
    return s.to_bytes(32, "little")


G_BYTES = bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")
G = point_decode(G_BYTES)
assert point_encode(G) == G_BYTES and point_encode(IDENTITY) == bytes(32)


def pt_eq(p1, p2):
    return point_encode(p1) == point_encode(p2)


# ---- Ed25519 (RFC 8032), verified as libsodium does (docs/election-record.md §4.9) -----------

def ed_decode(b):
    if len(b) != 32:
        raise Invalid("an Ed25519 key is 32 bytes")
    y = int.from_bytes(b, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= P:
        raise Invalid("non-canonical Ed25519 point")
    u = (y * y - 1) % P
    v = (D * y * y + 1) % P
    x = u * pow(v, 3, P) % P * pow(u * pow(v, 7, P) % P, (P - 5) // 8, P) % P
    if v * x * x % P == u:
        pass
    elif v * x * x % P == (-u) % P:
        x = x * SQRT_M1 % P
    else:
        raise Invalid("not an Ed25519 point")
    if x == 0 and sign:
        raise Invalid("non-canonical Ed25519 point")
    if x & 1 != sign:
        x = P - x
    return (x, y, 1, x * y % P)


def ed_encode(p):
    x, y, z, _ = p
    zi = pow(z, P - 2, P)
    x, y = x * zi % P, y * zi % P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


ED_B = ed_decode(bytes.fromhex("5866666666666666666666666666666666666666666666666666666666666666"))


def ed_small_order(p):
    q = add(p, p)
    q = add(q, q)
    q = add(q, q)
    return q[0] % P == 0 and (q[1] - q[2]) % P == 0


def ed_mul(k, p):
    r = IDENTITY
    for bit in bin(k)[2:] if k else "":
        r = add(r, r)
        if bit == "1":
            r = add(r, p)
    return r


def ed25519_verify_key_ok(key):
    """What libsodium's crypto_sign_verify_detached asks of the key: canonical, not small order."""
    try:
        a = ed_decode(key)
    except Invalid:
        return False
    return ed_encode(a) == key and not ed_small_order(a)


@functools.lru_cache(maxsize=None)
def ed25519_public_key_ok(key):
    """The one rule for an Ed25519 public key in a record (docs/crypto.md §8): a canonical
    encoding of a point in the prime-order subgroup, not of small order, as libsodium's
    crypto_core_ed25519_is_valid_point; so [L]A is the identity."""
    if not ed25519_verify_key_ok(key):
        return False
    q = ed_mul(L, ed_decode(key))
    return q[0] % P == 0 and (q[1] - q[2]) % P == 0


def ed25519_verify(key, message, signature):
    if len(signature) != 64 or not ed25519_verify_key_ok(key):
        return False
    r_bytes, s = signature[:32], int.from_bytes(signature[32:], "little")
    if s >= L:
        return False
    try:
        if ed_small_order(ed_decode(r_bytes)):
            return False
    except Invalid:
        return False
    k = int.from_bytes(hashlib.sha512(r_bytes + key + message).digest(), "little") % L
    return ed_encode(sub(ed_mul(s, ED_B), ed_mul(k, ed_decode(key)))) == r_bytes


# ---- Encodings (docs/election-record.md §3-§4, docs/encoding.md) ------------------------------

def u32(n):
    return n.to_bytes(4, "big")


def u64(n):
    return n.to_bytes(8, "big")


def text(s):
    b = s.encode("utf-8") if isinstance(s, str) else s
    return u32(len(b)) + b


def sha256(b):
    return hashlib.sha256(b).digest()


def domain_hash(label, data):
    return sha256(text(label) + data)


def leaf_hash(record):
    return sha256(b"\x00" + record)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def merkle_root(leaves):
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(merkle_root(leaves[:k]), merkle_root(leaves[k:]))


def verify_consistency(m, n, r1, r2, proof):
    """RFC 9162 §2.1.4.2 as docs/election-record.md §4.4 restates it, for 0 < m < n."""
    if not 0 < m < n or not proof:
        return False
    path = list(proof)
    if m & (m - 1) == 0:
        path.insert(0, r1)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == r1 and sr == r2 and sn == 0


class Transcript:
    def __init__(self, protocol):
        self.h = hashlib.blake2b(digest_size=64)
        self.append("psephos-transcript-v1", protocol.encode())

    def append(self, label, data):
        lb = label.encode()
        self.h.update(u32(len(lb)) + lb + u64(len(data)) + data)

    def challenge(self, label):
        h = self.h.copy()
        lb = label.encode()
        h.update(u32(len(lb)) + lb + u64(0))
        return int.from_bytes(h.digest(), "little") % L


class Reader:
    """Strict decoding: every read checks the bytes are there; done() checks none are left."""

    def __init__(self, data, record_type=None, name="record", version=1):
        self.data, self.at, self.name = data, 0, name
        versions = version if isinstance(version, tuple) else (version,)
        if record_type is not None:
            t, self.version = self.u8(), self.u8()
            if t != record_type or self.version not in versions:
                self.fail("not a %s record of version %s" % (name, " or ".join(map(str, versions))))

    def fail(self, why):
        raise Invalid("%s at byte %d: %s" % (self.name, self.at, why))

    def take(self, n):
        if len(self.data) - self.at < n:
            self.fail("truncated")
        b = self.data[self.at:self.at + n]
        self.at += n
        return b

    def u8(self):
        return self.take(1)[0]

    def u16(self):
        return int.from_bytes(self.take(2), "big")

    def u32(self):
        return int.from_bytes(self.take(4), "big")

    def u64(self):
        return int.from_bytes(self.take(8), "big")

    def count(self, limit):
        n = self.u32()
        if n > limit:
            self.fail("count %d over the limit %d" % (n, limit))
        return n

    def bytes(self, limit):
        return self.take(self.count(limit))

    def text(self, limit):
        try:
            return self.bytes(limit).decode("utf-8")
        except UnicodeDecodeError:
            self.fail("text is not UTF-8")

    def id(self):
        s = self.text(64)
        if not re.fullmatch(r"[a-z0-9-]{1,64}", s):
            self.fail("%r is not an id" % s)
        return s

    def point(self):
        b = self.take(32)
        try:
            return b, point_decode(b)
        except Invalid as e:
            self.fail(str(e))

    def scalar(self):
        s = int.from_bytes(self.take(32), "little")
        if s >= L:
            self.fail("scalar not canonical")
        return s

    def ed_key(self):
        k = self.take(32)
        if not ed25519_public_key_ok(k):
            self.fail("not a valid Ed25519 public key")
        return k

    def done(self):
        if self.at != len(self.data):
            self.fail("%d bytes left over" % (len(self.data) - self.at))


def read_localized(r):
    t = r.text(4096)
    translations = [(r.text(35), r.text(4096)) for _ in range(r.count(100))]
    return t, translations


def decode_manifest(data):
    r = Reader(data, 0x01, "manifest", version=(1, 2))
    m = {"election_id": r.id(), "name": r.text(4096), "start_date": r.text(10),
         "end_date": r.text(10)}
    m["districts"] = [(r.id(), r.text(4096)) for _ in range(r.count(100000))]
    m["contests"] = []
    for _ in range(r.count(100000)):
        cid = r.id()
        title = read_localized(r)
        kind = r.u8()
        vote_for = r.u32()
        options = [(r.id(), read_localized(r)) for _ in range(r.count(1000))]
        if kind not in (1, 2) or not 1 <= vote_for <= min(255, len(options)):
            r.fail("contest %s: kind or vote_for" % cid)
        m["contests"].append({"id": cid, "title": title, "kind": kind, "vote_for": vote_for,
                              "options": options})
    m["styles"] = []
    for _ in range(r.count(100000)):
        sid = r.id()
        districts = [r.id() for _ in range(r.count(100000))]
        contests = [r.id() for _ in range(r.count(1000))]
        m["styles"].append({"id": sid, "districts": districts, "contests": contests})
    m["guardian_count"], m["threshold"] = r.u32(), r.u32()
    # Version 2: the manifest's optional "polls" member, one byte (docs/encoding.md §3).
    m["close_requires"] = r.u8() if r.version == 2 else 1
    if not 1 <= m["close_requires"] <= 2:
        r.fail("polls close_requires is not 1 or 2")
    m["ceremony_offset"] = r.at
    if r.u8() != 1:
        r.fail("has_ceremony is not 1 (not finalized)")
    m["joint_key_bytes"], m["joint_key"] = r.point()
    m["guardians"] = []
    for _ in range(r.count(255)):
        g = {"index": r.u32(), "identity_key": r.ed_key(), "commitments": []}
        for _ in range(r.count(255)):
            kb, kp = r.point()
            c, v = r.scalar(), r.scalar()
            g["commitments"].append((kb, kp, c, v))
        m["guardians"].append(g)
    r.done()
    return m


def encode_manifest_json(j):
    """The canonical encoding (docs/encoding.md §3) of a finalized manifest in its JSON form."""
    def localized(t, tr):
        out = text(t) + u32(len(tr))
        for lang in sorted(tr, key=lambda s: s.encode()):
            out += text(lang) + text(tr[lang])
        return out

    polls = j.get("polls")
    out = bytes([0x01, 2 if polls is not None else 1]) + text(j["election_id"]) + text(j["name"]) + text(j["start_date"])
    out += text(j["end_date"]) + u32(len(j["districts"]))
    for d in j["districts"]:
        out += text(d["id"]) + text(d["name"])
    out += u32(len(j["contests"]))
    for c in j["contests"]:
        out += text(c["id"]) + localized(c["title"], c.get("title_translations", {}))
        out += bytes([{"candidate": 1, "ballot_measure": 2}[c["kind"]]]) + u32(c["vote_for"])
        out += u32(len(c["options"]))
        for o in c["options"]:
            out += text(o["id"]) + localized(o["label"], o.get("label_translations", {}))
    out += u32(len(j["ballot_styles"]))
    for s in j["ballot_styles"]:
        out += text(s["id"]) + u32(len(s["districts"])) + b"".join(text(d) for d in s["districts"])
        out += u32(len(s["contests"])) + b"".join(text(c) for c in s["contests"])
    out += u32(j["guardians"]["count"]) + u32(j["guardians"]["threshold"])
    if polls is not None:
        assert set(polls) == {"close_requires"} and polls["close_requires"] in (1, 2), "polls"
        out += bytes([polls["close_requires"]])
    ceremony = j["ceremony"]
    out += b"\x01" + base64.b64decode(ceremony["joint_key"], validate=True)
    out += u32(len(ceremony["guardians"]))
    for g in ceremony["guardians"]:
        out += u32(g["index"]) + base64.b64decode(g["identity_key"], validate=True)
        out += u32(len(g["commitments"]))
        for k, proof in zip(g["commitments"], g["proofs"]):
            out += base64.b64decode(k, validate=True) + base64.b64decode(proof, validate=True)
    return out


def check_manifest_rules(j):
    """The structural rules of docs/election-manifest.md that matter to the checks here."""
    ids = re.compile(r"[a-z0-9-]{1,64}")
    assert j["format"] == "psephos-election-manifest-v1", "manifest format"
    for what in ("districts", "contests", "ballot_styles"):
        seen = [x["id"] for x in j[what]]
        assert all(ids.fullmatch(i) for i in seen) and len(set(seen)) == len(seen), what
    for c in j["contests"]:
        oids = [o["id"] for o in c["options"]]
        assert len(set(oids)) == len(oids) and 1 <= c["vote_for"] <= min(255, len(oids)), c["id"]
        if c["kind"] == "ballot_measure":
            assert sorted(oids) == ["no", "yes"] and c["vote_for"] == 1, c["id"]
    listed = [d for s in j["ballot_styles"] for d in s["districts"]]
    assert sorted(listed) == sorted(d["id"] for d in j["districts"]), "each district in one style"
    contests = {c["id"] for c in j["contests"]}
    assert {c for s in j["ballot_styles"] for c in s["contests"]} == contests, "contest coverage"
    n, k = j["guardians"]["count"], j["guardians"]["threshold"]
    assert 1 <= k <= n <= 255, "guardians"


def read_proof(r, expected_limit):
    """docs/encoding.md §1: u32 N, in a version 3 ballot a_0, b_0, ..., a_N, b_N (points), then
    c_0 ... c_N, v_0 ... v_N. The commitments are None for a version 2 ballot."""
    limit = r.u32()
    if expected_limit is not None and limit != expected_limit:
        r.fail("range proof limit %d, expected %d" % (limit, expected_limit))
    if not 1 <= limit <= 255:
        r.fail("range proof limit")
    commitments = None
    if r.version >= 3:
        commitments = [(r.point(), r.point()) for _ in range(limit + 1)]
    cs = [r.scalar() for _ in range(limit + 1)]
    vs = [r.scalar() for _ in range(limit + 1)]
    return limit, cs, vs, commitments


def decode_ballot(data):
    r = Reader(data, 0x02, "encrypted ballot", version=(2, 3))
    b = {"base_hash": r.take(32), "ballot_id": r.text(64), "device_id": r.text(64),
         "district_id": r.text(64), "style_id": r.text(64), "timestamp": r.u64(),
         "previous": r.take(32), "contests": []}
    if b["timestamp"] % 3600:
        r.fail("timestamp not rounded down to the hour")
    for _ in range(r.count(1000)):
        c = {"id": r.text(64), "selections": []}
        for _ in range(r.count(1000)):
            oid = r.text(64)
            ab, a = r.point()
            bb, be = r.point()
            c["selections"].append({"id": oid, "alpha": a, "beta": be, "alpha_bytes": ab,
                                    "beta_bytes": bb, "proof": read_proof(r, 1)})
        c["count_proof"] = read_proof(r, None)
        b["contests"].append(c)
    b["signature"] = r.take(64)
    r.done()
    b["body"] = data[:-64]
    return b


def decode_challenged(data):
    r = Reader(data, 0x03, "challenged ballot")
    inner = r.bytes(64 * 1024 * 1024)
    b = decode_ballot(inner)
    if r.count(1000) != len(b["contests"]):
        r.fail("contest count differs from the ballot's")
    opened = []
    for c in b["contests"]:
        if r.count(1000) != len(c["selections"]):
            r.fail("selection count differs from the ballot's")
        row = []
        for _ in c["selections"]:
            mark = r.u8()
            if mark > 1:
                r.fail("mark must be 0 or 1")
            row.append((mark, r.scalar()))
        opened.append(row)
    r.done()
    return b, opened


def decode_registration(data):
    # Version 2: the election authority's signature over label, base hash and the record so far.
    r = Reader(data, 0x07, "device registration", 2)
    out = {"district_id": r.id(), "device_id": r.id(), "key": r.ed_key(), "time": r.u64()}
    out["body"] = data[:r.at]
    out["authority_signature"] = r.take(64)
    r.done()
    return out


def decode_approval(data):
    r = Reader(data, 0x14, "election approval")
    out = {"base_hash": r.take(32), "key": r.ed_key(), "signature": r.take(64)}
    r.done()
    return out


def decode_polls(data):
    """Version 2 (docs/encoding.md §13): signed by a device; a closing record carries heads."""
    r = Reader(data, data[0] if data and 0x08 <= data[0] <= 0x0B else 0x08, "polls record",
               version=2)
    out = {"district_id": r.id(), "time": r.u64(), "cast": r.u64(), "challenged": r.u64()}
    actor = out["actor"] = r.text(200)
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in actor):
        r.fail("actor holds a control character")
    out["device_id"] = r.id()
    n = r.count(10000)
    if data[0] == 0x0B and n == 0:
        r.fail("a closing record without device heads")
    if data[0] != 0x0B and n != 0:
        r.fail("device heads outside the closing record")
    out["heads"] = []
    for _ in range(n):
        h = {"device_id": r.id()}
        if out["heads"] and not out["heads"][-1]["device_id"] < h["device_id"]:
            r.fail("device heads not in ascending order of device id")
        h["ballots"], h["last_code"], h["signature"] = r.u64(), r.take(32), r.take(64)
        out["heads"].append(h)
    out["body"] = data[:r.at]
    out["signature"] = r.take(64)
    r.done()
    if data[0] == 0x08 and (out["cast"] or out["challenged"]):
        r.fail("zero report with ballots")
    return out


def decode_district_checkpoint(data):
    r = Reader(data, 0x0C, "district checkpoint")
    out = {"district_id": r.id(), "note": r.text(65536)}
    r.done()
    if not out["note"].endswith("\n"):
        r.fail("note does not end in a newline")
    return out


def decode_event(data):
    r = Reader(data, 0x0D, "ledger event")
    e = {"sequence": r.u64(), "time": r.u64(), "type": r.u16(), "actor": r.u8(),
         "disposition": r.u8()}
    if not 1 <= e["type"] <= 22 or not 1 <= e["actor"] <= 4 or not 1 <= e["disposition"] <= 2:
        r.fail("unknown event type, actor or disposition")
    e["district_id"] = r.text(64)
    if e["district_id"] and not re.fullmatch(r"[a-z0-9-]{1,64}", e["district_id"]):
        r.fail("district id")
    e["subject"] = r.text(4096)
    e["previous"] = r.take(32)
    r.done()
    return e


def decode_anchor_intent(data):
    r = Reader(data, 0x11, "anchor intent")
    a = {"chain": r.id(), "kind": r.u8(), "network": r.text(64), "reason": r.text(32),
         "payload": r.bytes(77), "time": r.u64()}
    r.done()
    n = a["network"]
    if a["kind"] == 1:
        if not re.fullmatch(r"[1-9][0-9]{0,19}", n) or int(n) >= 2 ** 64:
            r.fail("EVM chain id")
    elif a["kind"] == 2:
        if n not in ("mainnet", "testnet", "signet", "regtest"):
            r.fail("Bitcoin network")
    else:
        r.fail("chain kind")
    if a["reason"] not in ("polls-closed", "results", "manual"):
        r.fail("reason")
    p = a["payload"]
    if len(p) != 77 or p[:4] != b"PSPH" or p[4] != 1:
        r.fail("payload")
    a["size"] = int.from_bytes(p[37:45], "big")
    return a


def decode_anchor_transaction(data):
    r = Reader(data, 0x12, "anchor transaction")
    x = {"intent": r.u64(), "transaction_id": r.take(32), "nonce": r.u64(),
         "sender": r.text(128), "raw": r.bytes(100 * 1024), "time": r.u64()}
    r.done()
    if not re.fullmatch(r"[\x21-\x7e]{1,128}", x["sender"]) or not x["raw"]:
        r.fail("sender or raw transaction")
    return x


def decode_anchor_confirmation(data):
    r = Reader(data, 0x13, "anchor confirmation")
    x = {"intent": r.u64(), "transaction_id": r.take(32), "block": r.u64(),
         "block_hash": r.take(32), "confirmations": r.u32(), "time": r.u64()}
    r.done()
    if x["confirmations"] == 0:
        r.fail("confirmations")
    return x


def read_per_option(r, read_value):
    out = []
    for _ in range(r.count(1000)):
        cid = r.text(64)
        options = []
        for _ in range(r.count(1000)):
            oid = r.text(64)
            if not oid:
                r.fail("empty option id")
            options.append((oid, read_value(r)))
        if not cid:
            r.fail("empty contest id")
        out.append((cid, options))
    return out


def decode_tally(data):
    r = Reader(data, 0x0E, "district tally")
    t = {"district_id": r.text(64), "style_id": r.text(64), "log_size": r.u64(),
         "log_root": r.take(32), "counted": r.u64(), "challenged": r.u64()}
    t["sums"] = read_per_option(r, lambda rr: (rr.point()[1], rr.point()[1]))
    r.done()
    if t["counted"] + t["challenged"] > t["log_size"]:
        r.fail("more ballots than records")
    return t


def decode_decryption(data):
    r = Reader(data, 0x0F, "tally decryption")
    d = {"district_id": r.text(64), "guardian": r.u32(), "tally_hash": r.take(32)}
    if d["guardian"] == 0:
        r.fail("guardian index 0")
    d["shares"] = read_per_option(r, lambda rr: (rr.point()[1], rr.scalar(), rr.scalar()))
    d["signature"] = r.take(64)
    r.done()
    d["body"] = data[:-64]
    return d


def decode_result(data):
    r = Reader(data, 0x10, "district result")
    res = {"district_id": r.text(64), "tally_hash": r.take(32), "guardians": []}
    n = r.count(1000)
    if n == 0:
        r.fail("no guardians")
    for _ in range(n):
        g = r.u32()
        if g == 0 or (res["guardians"] and g <= res["guardians"][-1]):
            r.fail("guardians not ascending from 1")
        res["guardians"].append(g)
    res["counts"] = read_per_option(r, lambda rr: rr.u64())
    r.done()
    return res


def record_district(record):
    t = record[0]
    if t == 0x02:
        return decode_ballot(record)["district_id"]
    if t == 0x03:
        return decode_challenged(record)[0]["district_id"]
    if t == 0x07:
        return decode_registration(record)["district_id"]
    if 0x08 <= t <= 0x0B:
        return decode_polls(record)["district_id"]
    if t == 0x0E:
        return decode_tally(record)["district_id"]
    if t == 0x0F:
        return decode_decryption(record)["district_id"]
    if t == 0x10:
        return decode_result(record)["district_id"]
    raise Invalid("record type 0x%02x does not belong in a district log" % t)


# ---- Notes and checkpoints (§3.3) -------------------------------------------------------------

def parse_verifier_key(s):
    name, key_id, material = s.split("+", 2)
    raw = base64.b64decode(material, validate=True)
    assert name and not re.search(r"\s", name), "verifier key name"
    assert re.fullmatch(r"[0-9a-f]{8}", key_id), "verifier key id"
    assert len(raw) == 33 and raw[0] == 1 and ed25519_public_key_ok(raw[1:]), "verifier key"
    assert sha256(name.encode() + b"\n\x01" + raw[1:])[:4].hex() == key_id, "key id"
    return name, bytes.fromhex(key_id), raw[1:]


def open_note(note, verifier):
    name, key_id, key = verifier
    split = note.rfind("\n\n")
    assert split >= 0, "no blank line in the note"
    note_text, lines = note[:split + 1], note[split + 2:]
    assert lines.endswith("\n"), "signature block"
    verified = False
    for line in lines[:-1].split("\n"):
        assert line.startswith("\u2014 "), "signature line"
        sig_name, blob = line[2:].split(" ")
        raw = base64.b64decode(blob, validate=True)
        if sig_name != name or raw[:4] != key_id:
            continue
        assert ed25519_verify(key, note_text.encode(), raw[4:]), "note signature does not verify"
        verified = True
    assert verified, "no signature by " + name
    return note_text


def parse_checkpoint(note_text):
    lines = note_text.split("\n")
    assert lines[-1] == "" and len(lines) >= 4, "checkpoint lines"
    origin, size, root = lines[0], lines[1], lines[2]
    assert origin and re.fullmatch(r"0|[1-9][0-9]*", size), "checkpoint size"
    raw = base64.b64decode(root, validate=True)
    assert len(raw) == 32 and base64.b64encode(raw).decode() == root, "checkpoint root"
    assert all(lines[3:-1]), "empty extension line"
    return origin, int(size), raw


def read_frames(data):
    frames, at = [], 0
    while at < len(data):
        assert len(data) - at >= 4, "truncated frame length"
        n = int.from_bytes(data[at:at + 4], "big")
        assert len(data) - at - 4 >= n, "truncated frame"
        frames.append(data[at + 4:at + 4 + n])
        at += 4 + n
    return frames


# ---- The proofs (§4.6-§4.10) -----------------------------------------------------------------

def verify_schnorr(base_hash, context, k, c, v):
    h = add(mul(v, G), mul(c, k))
    t = Transcript("psephos/v1/schnorr")
    t.append("base_hash", base_hash)
    t.append("context", context)
    t.append("public_key", point_encode(k))
    t.append("commitment", point_encode(h))
    return t.challenge("c") == c


def verify_range(base_hash, context, alpha, beta, key, limit, proof):
    """docs/election-record.md §4.7. In commitment form (version 3) the transcript hashes the
    commitments as received and each must equal the point the compact check recomputes; checking
    them one by one is one of the two ways §4.7 allows (the C++ verifier batches them)."""
    plimit, cs, vs, commitments = proof
    if plimit != limit:
        return False
    t = Transcript("psephos/v1/range")
    t.append("base_hash", base_hash)
    t.append("context", context)
    t.append("public_key", point_encode(key))
    t.append("alpha", point_encode(alpha))
    t.append("beta", point_encode(beta))
    t.append("limit", u64(limit))
    beta_j = beta
    for j in range(limit + 1):
        a = add(mul(vs[j], G), mul(cs[j], alpha))
        b = add(mul(vs[j], key), mul(cs[j], beta_j))
        if commitments is None:
            t.append("a", point_encode(a))
            t.append("b", point_encode(b))
        else:
            (a_bytes, a_given), (b_bytes, b_given) = commitments[j]
            if not (pt_eq(a, a_given) and pt_eq(b, b_given)):
                return False
            t.append("a", a_bytes)
            t.append("b", b_bytes)
        beta_j = sub(beta_j, G)
    return t.challenge("c") == sum(cs) % L


def verify_equal_logs(base_hash, context, key, base, product, c, v):
    a = add(mul(v, G), mul(c, key))
    b = add(mul(v, base), mul(c, product))
    t = Transcript("psephos/v1/equal-discrete-logs")
    for label, value in (("base_hash", base_hash), ("context", context),
                         ("public_key", point_encode(key)), ("base", point_encode(base)),
                         ("product", point_encode(product)), ("commitment_a", point_encode(a)),
                         ("commitment_b", point_encode(b))):
        t.append(label, value)
    return t.challenge("c") == c


def proof_context(b, contest_id, option_id):
    """docs/encoding.md §4.1: ballot id, device, district, ballot style, contest, option."""
    return (text(b["ballot_id"]) + text(b["device_id"]) + text(b["district_id"]) +
            text(b["style_id"]) + text(contest_id) + text(option_id))


def tracking_seed(base_hash, device_id):
    return sha256(b"\x02\x01" + text("psephos/v1/tracking-code-seed") + base_hash + text(device_id))


def next_tracking_code(previous, ballot_hash):
    return sha256(b"\x02\x01" + text("psephos/v1/tracking-code") + previous + ballot_hash)


def display_code(code):
    b32 = base64.b32encode(code[:20]).decode()
    return "-".join(b32[i:i + 4] for i in range(0, 32, 4))


def lagrange(index, indices):
    num, den = 1, 1
    for j in indices:
        if j != index:
            num = num * j % L
            den = den * (j - index) % L
    return num * pow(den, L - 2, L) % L


# ---- The verifier -----------------------------------------------------------------------------

class Verifier:
    def __init__(self, root, quiet=False, trusted_authority=None):
        self.root = root
        self.quiet = quiet
        self.trusted_authority = trusted_authority  # the authority's published key (32 bytes)
        self.authority_key = None
        self.values = {}
        self.failed = {}  # step number -> message
        self.anchors_only = False

    def step(self, number, name, fn):
        try:
            fn()
            if not self.quiet:
                print("V%d %s: ok" % (number, name))
        except Exception as e:  # a verifier reports every failure, whatever it is
            self.failed[number] = "%s: %s" % (type(e).__name__, e)
            if not self.quiet:
                print("V%d %s: FAILED: %s: %s" % (number, name, type(e).__name__, e))

    @staticmethod
    def each(items, fn):
        """Runs fn on every item, so one bad log or district does not hide another's failure."""
        errors = []
        for item in items:
            try:
                fn(item)
            except Exception as e:
                errors.append(str(e) if isinstance(e, AssertionError) else
                              "%s: %s" % (type(e).__name__, e))
        if errors:
            raise AssertionError("; ".join(errors))

    def checked_logs(self):
        """The logs V11 and V12 check: all, or with --anchors-only those V28 reads."""
        return [n for n in self.logs if self.anchors_only is False or n in ("/election", "/bridge")]

    def read(self, path):
        with open(os.path.join(self.root, path), "rb") as f:
            return f.read()

    def json(self, path):
        return json.loads(self.read(path).decode("utf-8"))

    # The steps V28 needs, for --anchors-only: the record, its files, the manifest and base
    # hash, the logs, and the election and bridge logs' records and checkpoints.
    ANCHOR_STEPS = (1, 2, 3, 4, 5, 10, 11, 12, 28)

    def run(self, only=None):
        steps = [
            ("record-format", self.v1), ("file-list", self.v2), ("file-hashes", self.v3),
            ("manifest-encoding", self.v4), ("base-hash", self.v5), ("ceremony-hash", self.v6),
            ("ceremony-guardians", self.v7), ("ceremony-proofs", self.v8), ("joint-key", self.v9),
            ("log-list", self.v10), ("log-records", self.v11), ("log-checkpoints", self.v12),
            ("election-log-leaves", self.v13), ("election-log-covers-districts", self.v14),
            ("log-consistency", self.v15), ("event-chain", self.v16),
            ("district-records", self.v17), ("district-sequence", self.v18),
            ("ballot-contents", self.v19), ("ballot-signatures", self.v20),
            ("tracking-chains", self.v21), ("challenged-openings", self.v22),
            ("district-tally", self.v23), ("tally-decryptions", self.v24),
            ("district-result", self.v25), ("results-file", self.v26),
            ("challenged-file", self.v27), ("anchors", self.v28),
            ("authority-approval", self.v29), ("device-authorisations", self.v30),
            ("election-wide-uniqueness", self.v31),
        ]
        for number, (name, fn) in enumerate(steps, 1):
            if only is None or number in only:
                self.step(number, name, fn)
        return not self.failed

    # -- the record
    def v1(self):
        r = self.record = self.json("record.json")
        assert list(r) == ["format", "election_id", "base_hash", "ceremony_hash", "joint_key",
                           "guardian_count", "threshold", "logs", "files"], "members"
        assert r["format"] == "psephos-election-record-v2", "format"
        for k in ("base_hash", "ceremony_hash", "joint_key"):
            assert re.fullmatch(r"[0-9a-f]{64}", r[k]), k
        for log in r["logs"]:
            assert list(log) == ["name", "origin", "verifier_key", "size", "root", "directory"]
        for f in r["files"]:
            assert list(f) == ["path", "bytes", "sha256"]

    def v2(self):
        paths = [f["path"] for f in self.record["files"]]
        for p in paths:
            assert not p.startswith("/") and "\\" not in p, p
            assert all(s not in ("", ".", "..") for s in p.split("/")), p
        assert all(a.encode() < b.encode() for a, b in zip(paths, paths[1:])), "order"
        required = {"manifest.json", "manifest.bin", "authority.bin", "results.json",
                    "challenged-ballots.json"}
        for log in self.record["logs"]:
            required |= {log["directory"] + "/records.bin", log["directory"] + "/checkpoints.bin"}
            if log["name"] not in ("/events", "/bridge"):
                required.add(log["directory"] + "/consistency.bin")
        assert set(paths) == required, "listed files are not the layout's"
        present = set()
        for dirpath, dirnames, filenames in os.walk(self.root):
            for n in dirnames + filenames:
                full = os.path.join(dirpath, n)
                assert not os.path.islink(full) and not n.startswith(".partial"), full
            for n in filenames:
                present.add(os.path.relpath(os.path.join(dirpath, n), self.root).replace(os.sep, "/"))
        assert present == required | {"record.json"}, "files present: %s" % (present ^ required)

    def v3(self):
        for f in self.record["files"]:
            data = self.read(f["path"])
            assert len(data) == f["bytes"], f["path"] + ": size"
            assert sha256(data).hex() == f["sha256"], f["path"] + ": sha256"
            self.values["file_sha256 " + f["path"]] = f["sha256"]

    # -- the manifest
    def v4(self):
        self.manifest_bin = self.read("manifest.bin")
        m = self.m = decode_manifest(self.manifest_bin)
        j = self.json("manifest.json")
        check_manifest_rules(j)
        assert encode_manifest_json(j) == self.manifest_bin, "manifest.json does not encode to manifest.bin"
        assert self.record["election_id"] == m["election_id"], "election_id"
        assert self.record["guardian_count"] == m["guardian_count"], "guardian_count"
        assert self.record["threshold"] == m["threshold"], "threshold"
        self.styles = {d: s for s in m["styles"] for d in s["districts"]}
        self.contests = {c["id"]: c for c in m["contests"]}

    def v5(self):
        self.base_hash = domain_hash("psephos/v1/election-base-hash", self.manifest_bin)
        self.values["base_hash"] = self.base_hash.hex()
        assert self.base_hash.hex() == self.record["base_hash"], "record.json's base_hash is not manifest.bin's"

    def v6(self):
        m0 = self.manifest_bin[:self.m["ceremony_offset"]] + b"\x00"
        n, k = self.m["guardian_count"], self.m["threshold"]
        assert self.m["ceremony_offset"] == len(self.manifest_bin) - 37 - n * (40 + 96 * k)
        self.ceremony_hash = domain_hash("psephos/v1/ceremony-hash", m0)
        self.values["ceremony_hash"] = self.ceremony_hash.hex()
        assert self.ceremony_hash.hex() == self.record["ceremony_hash"], "record.json's ceremony_hash is not manifest.bin's"

    # -- the ceremony
    def v7(self):
        gs = self.m["guardians"]
        n, k = self.m["guardian_count"], self.m["threshold"]
        assert sorted(g["index"] for g in gs) == list(range(1, n + 1)), "guardian indices"
        assert len({g["identity_key"] for g in gs}) == n, "identity keys repeat"
        assert all(len(g["commitments"]) == k for g in gs), "commitment counts"
        assert self.record["joint_key"] == self.m["joint_key_bytes"].hex(), "joint key"
        self.guardians = {g["index"]: g for g in gs}
        self.joint_key = self.m["joint_key"]
        self.values["joint_key"] = self.m["joint_key_bytes"].hex()
        self.public_shares = {}
        for l in range(1, n + 1):
            share = IDENTITY
            for g in gs:
                for j, (_, kp, _, _) in enumerate(g["commitments"]):
                    share = add(share, mul(pow(l, j, L), kp))
            self.public_shares[l] = share
            self.values["public_share %d" % l] = point_encode(share).hex()

    def v8(self):
        for g in self.m["guardians"]:
            for j, (_, kp, c, v) in enumerate(g["commitments"]):
                assert verify_schnorr(self.ceremony_hash, u32(g["index"]) + u32(j), kp, c, v), \
                    "guardian %d coefficient %d" % (g["index"], j)

    def v9(self):
        total = IDENTITY
        for g in self.m["guardians"]:
            total = add(total, g["commitments"][0][1])
        assert pt_eq(total, self.joint_key) and not pt_eq(total, IDENTITY), "joint key"

    # -- the logs
    def v10(self):
        eid = self.m["election_id"]
        expected = [(d, "%s/district/%s" % (eid, d), "districts/" + d) for d, _ in self.m["districts"]]
        expected += [("/election", eid + "/election", "election"), ("/events", eid + "/events", "events")]
        got = [(l["name"], l["origin"], l["directory"]) for l in self.record["logs"]]
        if len(got) == len(expected) + 1:  # the bridge log, if the ledger anchored something
            expected.append(("/bridge", eid + "/bridge", "bridge"))
        assert got == expected, "logs"
        self.logs = {}
        for l in self.record["logs"]:
            verifier = parse_verifier_key(l["verifier_key"])
            assert verifier[0] == l["origin"], l["name"] + ": verifier key name"
            self.logs[l["name"]] = {"entry": l, "verifier": verifier}

    def v11(self):
        def check(name):
            log = self.logs[name]
            records = read_frames(self.read(log["entry"]["directory"] + "/records.bin"))
            log["records"] = records
            log["leaves"] = [leaf_hash(r) for r in records]
            for i, h in enumerate(log["leaves"]):
                self.values["leaf %s %d" % (name, i)] = h.hex()
            assert len(records) == log["entry"]["size"], name + ": record count"
            assert merkle_root(log["leaves"]).hex() == log["entry"]["root"], name + ": root"
        self.each(self.checked_logs(), check)

    def v12(self):
        def check(name):
            log = self.logs[name]
            notes = read_frames(self.read(log["entry"]["directory"] + "/checkpoints.bin"))
            log["checkpoints"] = {}
            previous = 0
            for raw in notes:
                note = raw.decode("utf-8")
                origin, size, root = parse_checkpoint(open_note(note, log["verifier"]))
                assert origin == log["entry"]["origin"], name + ": checkpoint origin"
                assert previous < size <= log["entry"]["size"], name + ": checkpoint size"
                assert merkle_root(log["leaves"][:size]) == root, name + ": checkpoint root %d" % size
                log["checkpoints"][size] = (root, note)
                previous = size
                self.values["root %s %d" % (name, size)] = root.hex()
            if log["entry"]["size"]:
                assert previous == log["entry"]["size"], name + ": no checkpoint of its size"
            else:
                assert not notes and log["entry"]["root"] == sha256(b"").hex(), name
        self.each(self.checked_logs(), check)

    # -- the election log
    def v13(self):
        self.published = {d: [] for d, _ in self.m["districts"]}
        for i, record in enumerate(self.logs["/election"]["records"]):
            entry = decode_district_checkpoint(record)
            d = entry["district_id"]
            assert d in self.published, "election record %d: unknown district" % i
            district = self.logs[d]
            origin, size, _ = parse_checkpoint(open_note(entry["note"], district["verifier"]))
            assert origin == district["entry"]["origin"], "election record %d: origin" % i
            assert district["checkpoints"][size][1] == entry["note"], "election record %d: note" % i
            assert not self.published[d] or size > self.published[d][-1], "election record %d" % i
            self.published[d].append(size)

    def v14(self):
        for d, _ in self.m["districts"]:
            size = self.logs[d]["entry"]["size"]
            assert (self.published[d][-1] if self.published[d] else 0) == size, d + " not covered"

    def v15(self):
        for name, log in self.logs.items():
            if name in ("/events", "/bridge"):
                continue
            sizes = sorted(log["checkpoints"]) if name == "/election" else self.published[name]
            data = self.read(log["entry"]["directory"] + "/consistency.bin")
            at, entries = 0, []
            while at < len(data):
                old, new, count = (int.from_bytes(data[at:at + 8], "big"),
                                   int.from_bytes(data[at + 8:at + 16], "big"),
                                   int.from_bytes(data[at + 16:at + 20], "big"))
                proof = [data[at + 20 + 32 * i:at + 52 + 32 * i] for i in range(count)]
                assert all(len(h) == 32 for h in proof), name + ": truncated"
                entries.append((old, new, proof))
                at += 20 + 32 * count
            assert [(o, n) for o, n, _ in entries] == list(zip(sizes, sizes[1:])), name + ": pairs"
            for old, new, proof in entries:
                assert verify_consistency(old, new, log["checkpoints"][old][0],
                                          log["checkpoints"][new][0], proof), \
                    "%s: consistency %d -> %d" % (name, old, new)

    # -- the event log
    def v16(self):
        previous = bytes(32)
        for i, record in enumerate(self.logs["/events"]["records"]):
            e = decode_event(record)
            assert e["sequence"] == i and e["previous"] == previous, "event %d" % i
            assert e["district_id"] in ("",) + tuple(self.published), "event %d: district" % i
            previous = leaf_hash(record)

    # -- the district logs: one pass keeps the state of §5, each step checks its part
    def v17(self):
        for d in self.published:
            for i, record in enumerate(self.logs[d]["records"]):
                assert record_district(record) == d, "%s record %d: district" % (d, i)

    def district_pass(self, d):
        """Yields (index, record, state) for every record with the district's state before it."""
        state = {"polls": "not opened", "tallied": False, "result": False, "devices": {},
                 "ballot_ids": set(), "cast": 0, "challenged": 0, "tally": None,
                 "decryptions": {}, "opened_hour": 0, "latest_stamp": 0}
        for i, record in enumerate(self.logs[d]["records"]):
            yield i, record, state
            t = record[0]
            # A record V18 refuses still changes the state (§5, V18), but a device registered
            # again keeps its first key and chain, a guardian its first decryption.
            if t == 0x07:
                reg = decode_registration(record)
                state["devices"].setdefault(reg["device_id"], [
                    reg["key"], tracking_seed(self.base_hash, reg["device_id"]), 0])
            elif 0x08 <= t <= 0x0B:
                state["polls"] = {0x08: "open", 0x09: "paused", 0x0A: "open", 0x0B: "closed"}[t]
                if t == 0x08:
                    time = decode_polls(record)["time"]
                    state["opened_hour"] = time - time % 3600
            elif t in (0x02, 0x03):
                b = decode_ballot(record) if t == 0x02 else decode_challenged(record)[0]
                state["ballot_ids"].add(b["ballot_id"])
                state["latest_stamp"] = max(state["latest_stamp"], b["timestamp"])
                state["cast" if t == 0x02 else "challenged"] += 1
                if b["device_id"] in state["devices"]:
                    device = state["devices"][b["device_id"]]
                    device[1] = next_tracking_code(b["previous"], sha256(b["body"]))
                    device[2] += 1
            elif t == 0x0E:
                state["tallied"] = True
                state["tally"] = (i, decode_tally(record), self.logs[d]["leaves"][i])
            elif t == 0x0F:
                dec = decode_decryption(record)
                state["decryptions"].setdefault(dec["guardian"], dec)
            elif t == 0x10:
                state["result"] = True

    def ballots(self, d):
        for i, record, state in self.district_pass(d):
            if record[0] == 0x02:
                yield i, decode_ballot(record), None, state
            elif record[0] == 0x03:
                b, opened = decode_challenged(record)
                yield i, b, opened, state

    def v18(self):
        for d in self.published:
            for i, record, s in self.district_pass(d):
                t, at = record[0], "%s record %d" % (d, i)
                if t == 0x07:
                    reg = decode_registration(record)
                    # Registrations close when the polls open.
                    assert s["polls"] == "not opened" and reg["device_id"] not in s["devices"], at
                elif 0x08 <= t <= 0x0B:
                    allowed = {0x08: ("not opened",), 0x09: ("open",), 0x0A: ("paused",),
                               0x0B: ("open", "paused")}[t]
                    assert s["polls"] in allowed, at + ": polls are " + s["polls"]
                    if t != 0x08:
                        p = decode_polls(record)
                        name = {0x09: "paused", 0x0A: "resumed", 0x0B: "closed"}[t]
                        assert (p["cast"], p["challenged"]) == (s["cast"], s["challenged"]), \
                            at + ": polls " + name + " with counts that are not the log's"
                        if t == 0x0B:
                            assert s["latest_stamp"] <= p["time"], at + ": a ballot stamped after the close"
                            # The election's two-person close: the actor's names, between
                            # commas and without the spaces around them, each counted once.
                            names = {n.strip(" ") for n in p["actor"].split(",")} - {""}
                            assert len(names) >= self.m["close_requires"], \
                                at + ": polls closed by fewer people than polls.close_requires"
                    self.check_polls_signatures(d, at, decode_polls(record), s["devices"])
                elif t in (0x02, 0x03):
                    b = decode_ballot(record) if t == 0x02 else decode_challenged(record)[0]
                    assert s["polls"] == "open", at + ": polls are " + s["polls"]
                    assert b["device_id"] in s["devices"], at + ": device not registered"
                    assert b["ballot_id"] not in s["ballot_ids"], at + ": ballot id repeats"
                    assert b["timestamp"] >= s["opened_hour"], at + ": stamped before the polls opened"
                elif t == 0x0E:
                    assert s["polls"] == "closed" and not s["tallied"], at
                elif t == 0x0F:
                    dec = decode_decryption(record)
                    assert s["tallied"] and not s["result"] and dec["guardian"] not in s["decryptions"], at
                elif t == 0x10:
                    assert s["tallied"] and not s["result"], at

    def check_polls_signatures(self, d, at, p, devices):
        """V18: the device's signature; a closing record's heads, one per registered device, each
        signed by it and equal to its chain in the log (docs/encoding.md §13)."""
        assert p["device_id"] in devices, at + ": signed by a device not registered in the district"
        assert ed25519_verify(devices[p["device_id"]][0],
                              b"psephos/v1/polls-record\x00" + self.base_hash + p["body"],
                              p["signature"]), at + ": the device's signature"
        if not p["heads"]:
            return
        assert [h["device_id"] for h in p["heads"]] == sorted(devices), \
            at + ": the heads do not name every registered device"
        for h in p["heads"]:
            key, code, count = devices[h["device_id"]]
            message = (b"psephos/v1/device-head\x00" + self.base_hash + text(d) +
                       text(h["device_id"]) + u64(h["ballots"]) + h["last_code"])
            assert ed25519_verify(key, message, h["signature"]), \
                at + ": device %s's head: signature" % h["device_id"]
            assert (h["ballots"], h["last_code"]) == (count, code), \
                at + ": device %s's head is not its chain in the log" % h["device_id"]

    def v19(self):
        for d in self.published:
            style = self.styles[d]
            for i, b, _, _ in self.ballots(d):
                at = "%s record %d" % (d, i)
                assert b["base_hash"] == self.base_hash and b["style_id"] == style["id"], at
                assert re.fullmatch(r"[a-z0-9-]{1,64}", b["ballot_id"]), \
                    at + ": ballot id is not an id (docs/encoding.md §4)"
                assert [c["id"] for c in b["contests"]] == style["contests"], at + ": contests"
                for c in b["contests"]:
                    contest = self.contests[c["id"]]
                    assert [s["id"] for s in c["selections"]] == [o for o, _ in contest["options"]], at
                    alpha, beta = IDENTITY, IDENTITY
                    for s in c["selections"]:
                        assert not pt_eq(s["alpha"], IDENTITY), \
                            "%s: %s %s: alpha is the identity" % (at, c["id"], s["id"])
                        assert verify_range(self.base_hash, proof_context(b, c["id"], s["id"]),
                                            s["alpha"], s["beta"], self.joint_key, 1, s["proof"]), \
                            "%s: %s %s: 0/1 proof" % (at, c["id"], s["id"])
                        alpha, beta = add(alpha, s["alpha"]), add(beta, s["beta"])
                    assert verify_range(self.base_hash, proof_context(b, c["id"], ""),
                                        alpha, beta, self.joint_key, contest["vote_for"],
                                        c["count_proof"]), "%s: %s: count proof" % (at, c["id"])

    def v20(self):
        for d in self.published:
            for i, b, _, s in self.ballots(d):
                key = s["devices"][b["device_id"]][0]
                assert ed25519_verify(key, b["body"], b["signature"]), \
                    "%s record %d: device signature" % (d, i)

    def v21(self):
        for d in self.published:
            for i, b, _, s in self.ballots(d):
                assert b["previous"] == s["devices"][b["device_id"]][1], \
                    "%s record %d: does not chain to its device's last tracking code" % (d, i)
                h = sha256(b["body"])
                self.values["ballot_hash %s %d" % (d, i)] = h.hex()
                self.values["tracking_code %s %d" % (d, i)] = next_tracking_code(b["previous"], h).hex()

    def v22(self):
        self.challenged = []
        for d in self.published:
            for i, b, opened, _ in self.ballots(d):
                if opened is None:
                    continue
                selections = []
                for c, row in zip(b["contests"], opened):
                    chosen = []
                    for s, (mark, nonce) in zip(c["selections"], row):
                        assert pt_eq(mul(nonce, G), s["alpha"]), "%s record %d: alpha" % (d, i)
                        m = sub(s["beta"], mul(nonce, self.joint_key))
                        assert pt_eq(m, G if mark else IDENTITY), "%s record %d: opening" % (d, i)
                        if mark:
                            chosen.append(s["id"])
                    selections.append({"contest_id": c["id"], "selections": chosen})
                    self.values["challenged %s %d %s" % (d, i, c["id"])] = ",".join(chosen) or "-"
                h = sha256(b["body"])
                code = next_tracking_code(b["previous"], h)
                self.challenged.append({
                    "district_id": d, "log_index": i, "ballot_id": b["ballot_id"],
                    "device_id": b["device_id"], "ballot_style_id": b["style_id"],
                    "timestamp": b["timestamp"], "ballot_hash": h.hex(),
                    "tracking_code": display_code(code), "tracking_code_hex": code.hex(),
                    "contests": selections})

    def v23(self):
        self.tallies = {}
        for d in self.published:
            style = self.styles[d]
            sums, counted, challenged = {}, 0, 0
            for i, record, s in self.district_pass(d):
                if record[0] == 0x02:
                    b = decode_ballot(record)
                    counted += 1
                    for c in b["contests"]:
                        for sel in c["selections"]:
                            a, be = sums.get((c["id"], sel["id"]), (IDENTITY, IDENTITY))
                            sums[(c["id"], sel["id"])] = (add(a, sel["alpha"]), add(be, sel["beta"]))
                elif record[0] == 0x03:
                    challenged += 1
                elif record[0] == 0x0E:
                    t = decode_tally(record)
                    at = "%s tally (record %d)" % (d, i)
                    leaves = self.logs[d]["leaves"]
                    assert t["log_size"] == i and t["log_root"] == merkle_root(leaves[:i]), at
                    assert i in self.logs[d]["checkpoints"], at + ": no checkpoint of its size"
                    assert t["style_id"] == style["id"], at
                    assert (t["counted"], t["challenged"]) == (counted, challenged), at + ": counts"
                    shape = [(c, [o for o, _ in self.contests[c]["options"]]) for c in style["contests"]]
                    assert [(c, [o for o, _ in opts]) for c, opts in t["sums"]] == shape, at + ": shape"
                    for c, options in t["sums"]:
                        for o, (alpha, beta) in options:
                            a, be = sums.get((c, o), (IDENTITY, IDENTITY))
                            assert pt_eq(a, alpha) and pt_eq(be, beta), "%s: %s %s sum" % (at, c, o)
                            self.values["tally_alpha %s %s %s" % (d, c, o)] = point_encode(alpha).hex()
                            self.values["tally_beta %s %s %s" % (d, c, o)] = point_encode(beta).hex()
                    self.tallies[d] = (i, t, leaf_hash(record))
                    self.values["tally_hash %s" % d] = leaf_hash(record).hex()

    def v24(self):
        for d in self.published:
            for i, record, s in self.district_pass(d):
                if record[0] != 0x0F:
                    continue
                dec = decode_decryption(record)
                at = "%s record %d: guardian %d" % (d, i, dec["guardian"])
                assert dec["guardian"] in self.guardians, at + ": no such guardian"
                assert ed25519_verify(self.guardians[dec["guardian"]]["identity_key"], dec["body"],
                                      dec["signature"]), at + ": signature"
                _, t, tally_hash = self.tallies[d]
                assert dec["tally_hash"] == tally_hash, at + ": tally hash"
                assert [(c, [o for o, _ in opts]) for c, opts in dec["shares"]] == \
                    [(c, [o for o, _ in opts]) for c, opts in t["sums"]], at + ": shape"
                for (c, options), (_, sums) in zip(dec["shares"], t["sums"]):
                    for (o, (partial, pc, pv)), (_, (alpha, _)) in zip(options, sums):
                        assert verify_equal_logs(self.base_hash, u32(dec["guardian"]),
                                                 self.public_shares[dec["guardian"]], alpha, partial,
                                                 pc, pv), "%s: %s %s" % (at, c, o)

    def v25(self):
        self.results = {}
        for d in self.published:
            for i, record, s in self.district_pass(d):
                if record[0] != 0x10:
                    continue
                res = decode_result(record)
                at = "%s result (record %d)" % (d, i)
                _, t, tally_hash = self.tallies[d]
                assert res["tally_hash"] == tally_hash, at + ": tally hash"
                q = res["guardians"]
                assert len(q) >= self.m["threshold"], at + ": fewer than the threshold"
                assert all(g in s["decryptions"] for g in q), at + ": a guardian without a decryption"
                assert [(c, [o for o, _ in opts]) for c, opts in res["counts"]] == \
                    [(c, [o for o, _ in opts]) for c, opts in t["sums"]], at + ": shape"
                w = {g: lagrange(g, q) for g in q}
                for g in q:
                    self.values["lagrange %s %d" % (d, g)] = w[g].to_bytes(32, "little").hex()
                for ci, ((c, counts), (_, sums)) in enumerate(zip(res["counts"], t["sums"])):
                    for oi, ((o, count), (_, (_, beta))) in enumerate(zip(counts, sums)):
                        combined = IDENTITY
                        for g in q:
                            combined = add(combined, mul(w[g], s["decryptions"][g]["shares"][ci][1][oi][1][0]))
                        point = sub(beta, combined)
                        assert pt_eq(point, mul(count, G)), "%s: %s %s: count %d" % (at, c, o, count)
                        self.values["decrypted %s %s %s" % (d, c, o)] = point_encode(point).hex()
                        self.values["count %s %s %s" % (d, c, o)] = str(count)
                self.results[d] = (i, res)

    # -- the derived files
    def v26(self):
        districts, totals = [], {}
        for d, _ in self.m["districts"]:
            tally = self.tallies.get(d)
            result = self.results.get(d)
            districts.append({
                "district_id": d,
                "tally_index": tally[0] if tally else None,
                "tally_hash": tally[2].hex() if tally else None,
                "ballots_counted": tally[1]["counted"] if tally else None,
                "ballots_challenged": tally[1]["challenged"] if tally else None,
                "result_index": result[0] if result else None,
                "guardians": result[1]["guardians"] if result else [],
                "contests": [{"contest_id": c, "options": [{"option_id": o, "count": n}
                                                           for o, n in opts]}
                             for c, opts in result[1]["counts"]] if result else []})
            for c, opts in result[1]["counts"] if result else []:
                for o, n in opts:
                    totals[(c, o)] = totals.get((c, o), 0) + n
        expected = {
            "election_id": self.m["election_id"],
            "complete": all(d in self.results for d, _ in self.m["districts"]),
            "districts": districts,
            "totals": [{"contest_id": c["id"],
                        "options": [{"option_id": o, "count": totals.get((c["id"], o), 0)}
                                    for o, _ in c["options"]]} for c in self.m["contests"]]}
        for c in expected["totals"]:
            for o in c["options"]:
                self.values["total %s %s" % (c["contest_id"], o["option_id"])] = str(o["count"])
        assert self.json("results.json") == expected, "results.json differs from the records"

    def v27(self):
        expected = {"election_id": self.m["election_id"], "challenged_ballots": self.challenged}
        assert self.json("challenged-ballots.json") == expected, \
            "challenged-ballots.json differs from the records"

    # -- the bridge log
    def v29(self):
        a = decode_approval(self.read("authority.bin"))
        assert a["base_hash"] == self.base_hash, "authority.bin: approves another base hash"
        assert ed25519_verify(a["key"], b"psephos/v1/election-approval\x00" + self.base_hash,
                              a["signature"]), "authority.bin: signature"
        if self.trusted_authority is not None:
            assert a["key"] == self.trusted_authority, "authority.bin: not the trusted authority"
        self.authority_key = a["key"]

    def v30(self):
        assert self.authority_key is not None, "no authority approval (V29)"
        for d in self.published:
            for i, record in enumerate(self.logs[d]["records"]):
                if record[0] != 0x07:
                    continue
                reg = decode_registration(record)
                message = b"psephos/v1/device-authorisation\x00" + self.base_hash + reg["body"]
                assert ed25519_verify(self.authority_key, message, reg["authority_signature"]), \
                    "%s record %d: not signed by the election authority" % (d, i)

    def v31(self):
        """Device ids and keys, ballot ids and each ballot's ciphertexts: once in the election."""
        owner = {}

        def claim(name, d, what):
            assert owner.setdefault(name, d) == d, "%s: %s also in district %s" % (d, what, owner[name])

        for d in self.published:
            for i, b, _, _ in self.ballots(d):
                at = "record %d (ballot '%s')" % (i, b["ballot_id"])
                claim(("ballot id", b["ballot_id"]), d, at + ": ballot id")
                cts = b"".join(s["alpha_bytes"] + s["beta_bytes"]
                               for c in b["contests"] for s in c["selections"])
                claim(("ciphertexts", cts), d, at + ": its ciphertexts (a copied ballot)")
            for i, record in enumerate(self.logs[d]["records"]):
                if record[0] == 0x07:
                    reg = decode_registration(record)
                    claim(("device id", reg["device_id"]), d, "device '%s'" % reg["device_id"])
                    claim(("device key", reg["key"]), d, "the key of device '%s'" % reg["device_id"])

    def v28(self):
        if "/bridge" not in self.logs:
            return  # nothing was anchored when the record was exported
        election = self.logs["/election"]["checkpoints"]
        intents, chains = {}, {}
        for i, record in enumerate(self.logs["/bridge"]["records"]):
            at = "bridge record %d" % i
            t = record[0] if record else 0
            if t == 0x11:
                a = decode_anchor_intent(record)
                digest, size, root = a["payload"][5:37], a["size"], a["payload"][45:]
                assert digest.hex() == self.record["base_hash"], at + ": election digest"
                assert size in election and election[size][0] == root, \
                    at + ": no election checkpoint of that size and root"
                assert all((b["chain"], b["payload"]) != (a["chain"], a["payload"])
                           for b in intents.values()), at + ": a second intent"
                assert chains.setdefault(a["chain"], (a["kind"], a["network"])) == \
                    (a["kind"], a["network"]), at + ": another kind or network for the chain"
                intents[i] = dict(a, transactions=set(), confirmed=False)
            elif t in (0x12, 0x13):
                x = decode_anchor_transaction(record) if t == 0x12 else \
                    decode_anchor_confirmation(record)
                intent = intents.get(x["intent"])
                assert intent is not None, at + ": no earlier intent %d" % x["intent"]
                assert not intent["confirmed"], at + ": intent already confirmed"
                if t == 0x12:
                    assert x["transaction_id"] not in intent["transactions"], at + ": twice"
                    intent["transactions"].add(x["transaction_id"])
                    faults = evm_faults(intent["network"], intent["payload"], x) \
                        if intent["kind"] == 1 else bitcoin_faults(intent["payload"], x)
                    assert not faults, at + ": " + "; ".join(faults)
                else:
                    assert x["transaction_id"] in intent["transactions"], \
                        at + ": confirms no recorded transaction"
                    intent["confirmed"] = True
            else:
                raise AssertionError(at + ": not a bridge record")


# ---- Tampered copies: each change must make its step fail ----------------------------------

def tamper_cases():
    def json_file(path, change):
        def mutate(root):
            full = os.path.join(root, path)
            with open(full) as f:
                doc = json.load(f)
            change(doc)
            with open(full, "w") as f:
                json.dump(doc, f, indent=2)
        return mutate

    def frames_file(path, change):
        def mutate(root):
            full = os.path.join(root, path)
            with open(full, "rb") as f:
                frames = [bytearray(x) for x in read_frames(f.read())]
            change(frames)
            with open(full, "wb") as f:
                f.write(b"".join(u32(len(x)) + bytes(x) for x in frames))
        return mutate

    def raw_file(path, change):
        def mutate(root):
            full = os.path.join(root, path)
            with open(full, "rb") as f:
                data = bytearray(f.read())
            change(data)
            with open(full, "wb") as f:
                f.write(data)
        return mutate

    def flip(data, at):
        data[at] ^= 0x01

    # A character of the note's last signature that stays base64 when flipped (a letter or
    # digit whose neighbour is one too), so the signature, not its encoding, is what fails.
    def flip_signature_char(note):
        alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        at = len(note) - 10
        while note[at] not in alphabet or note[at] ^ 0x01 not in alphabet:
            at -= 1
        flip(note, at)

    def d1_device_in_d2(root):
        with open(os.path.join(root, "districts/d1/records.bin"), "rb") as f:
            registration = read_frames(f.read())[0]
        def replace_first(frames):  # d2's own registration, so the log keeps its size
            frames[0] = bytearray(registration)
        frames_file("districts/d2/records.bin", replace_first)(root)

    def d2_device_key(make_key):  # d2's registration (record 0) with another device key
        def change(frames):
            reg = decode_registration(bytes(frames[0]))
            at = bytes(frames[0]).find(reg["key"])
            frames[0][at:at + 32] = make_key(reg["key"])
        return frames_file("districts/d2/records.bin", change)

    def non_canonical_key(_):  # y + p for the first y that decodes: a point, but not canonical
        y = next(y for y in range(2, 19) if ed25519_verify_key_ok(y.to_bytes(32, "little")))
        return (y + P).to_bytes(32, "little")

    def mixed_order_key(key):  # A + (0, −1) = (−x, −y): on the curve, of order 2L
        x, y, z, _ = ed_decode(key)
        zi = pow(z, P - 2, P)
        return ed_encode(((-x * zi) % P, (-y * zi) % P, 1, (x * y * zi * zi) % P))

    def swap_points(record, first, second):
        a, b = point_encode(first), point_encode(second)
        i, j = record.find(a), record.find(b)
        record[i:i + 32], record[j:j + 32] = b, a

    def swap_tally_alphas(frames):
        t = decode_tally(bytes(frames[6]))
        swap_points(frames[6], t["sums"][0][1][0][1][0], t["sums"][0][1][1][1][0])

    def swap_partials(frames):
        d = decode_decryption(bytes(frames[7]))
        swap_points(frames[7], d["shares"][0][1][0][1][0], d["shares"][0][1][1][1][0])

    def flip_mark(frames):
        inner = int.from_bytes(frames[3][2:6], "big")
        flip(frames[3], 2 + 4 + inner + 4 + 4)

    def ceremony_proof(data):
        at = len(data) - (36 + 3 * (40 + 96 * 2)) + 1 + 32 + 4 + 4 + 32 + 4 + 32 + 32
        flip(data, at)

    # The ledger-key holder cuts the tail of kiosk d1's chain (its last cast ballot, record 4)
    # and fixes the closing record's counts; it cannot sign as the device.
    def cut_tail(frames):
        frames.pop(4)
        closing = frames[4]
        at = 2 + 4 + len(b"d1") + 8
        cast = int.from_bytes(closing[at:at + 8], "big")
        closing[at:at + 8] = (cast - 1).to_bytes(8, "big")

    def results_count(doc):
        doc["districts"][0]["contests"][0]["options"][0]["count"] += 1

    def challenged_selection(doc):
        doc["challenged_ballots"][0]["contests"][0]["selections"] = ["ada"]

    def extra_file(root):
        with open(os.path.join(root, "extra.txt"), "w") as f:
            f.write("x")

    # (what is changed, how, the step that must fail, what its message must say, whether the
    # copy is then re-signed with the ledger's key, as a dishonest ledger operator could)
    return [
        ("an extra file", extra_file, 2, "files present", False),
        ("a changed byte of results.json", raw_file("results.json", lambda d: flip(d, 10)), 3,
         "results.json: sha256", False),
        ("a manifest name", raw_file("manifest.bin", lambda d: flip(d, 30)), 5, "base_hash", False),
        ("a ceremony proof", raw_file("manifest.bin", ceremony_proof), 8,
         "guardian 1 coefficient 0", False),
        ("a checkpoint signature", frames_file("districts/d1/checkpoints.bin",
                                               lambda f: flip_signature_char(f[0])), 12,
         "note signature does not verify", False),
        ("a consistency proof hash", raw_file("districts/d1/consistency.bin",
                                              lambda d: flip(d, 20)), 15,
         "d1: consistency 2 -> 4", False),
        ("the last election record dropped", frames_file("election/records.bin",
                                                         lambda f: f.pop()), 14,
         "d2 not covered", True),
        ("an event's chain link", frames_file("events/records.bin",
                                              lambda f: flip(f[5], len(f[5]) - 1)), 16,
         "event 5", True),
        ("a polls-closed count", frames_file("districts/d1/records.bin",
                                             lambda f: flip(f[5], 23)), 18,
         "d1 record 5: polls closed with counts", True),
        ("d1's last cast ballot dropped, the closing counts fixed",
         frames_file("districts/d1/records.bin", cut_tail), 18,
         "d1 record 4: the device's signature", True),
        ("a ballot's count proof", frames_file("districts/d1/records.bin",
                                               lambda f: flip(f[2], len(f[2]) - 64 - 128)), 19,
         "d1 record 2: measure-a: count proof", True),
        ("a device signature", frames_file("districts/d1/records.bin",
                                           lambda f: flip(f[2], len(f[2]) - 32)), 20,
         "d1 record 2: device signature", True),
        ("a ballot's timestamp not on the hour", frames_file(
            "districts/d2/records.bin",
            lambda f: flip(f[2], 2 + 32 + 4 + 13 + 4 + 10 + 4 + 2 + 4 + 5 + 7)), 17,
         "timestamp not rounded down to the hour", True),
        ("a small-order device key", d2_device_key(lambda _: bytes(32)), 17,
         "registration at byte 54: not a valid Ed25519 public key", True),
        ("a non-canonical device key", d2_device_key(non_canonical_key), 17,
         "registration at byte 54: not a valid Ed25519 public key", True),
        ("a device key outside the prime-order subgroup", d2_device_key(mixed_order_key), 17,
         "registration at byte 54: not a valid Ed25519 public key", True),
        ("a ballot id that is not an id", frames_file(
            "districts/d2/records.bin", lambda f: f[2].__setitem__(2 + 32 + 4, ord("D"))), 19,
         "d2 record 2: ballot id is not an id", True),
        ("a ballot's previous tracking code", frames_file(
            "districts/d2/records.bin",
            lambda f: flip(f[2], 2 + 32 + 4 + 13 + 4 + 10 + 4 + 2 + 4 + 5 + 8)), 21,
         "d2 record 2: does not chain", True),
        ("a challenged ballot's mark", frames_file("districts/d1/records.bin", flip_mark), 22,
         "d1 record 3: opening", True),
        ("two sums of a tally swapped", frames_file("districts/d1/records.bin",
                                                    swap_tally_alphas), 23,
         "d1 tally (record 6): mayor ada sum", True),
        ("two partial decryptions swapped", frames_file("districts/d1/records.bin",
                                                        swap_partials), 24,
         "d1 record 7: guardian 1: signature", True),
        ("a result count", frames_file("districts/d1/records.bin",
                                       lambda f: flip(f[9], len(f[9]) - 1)), 25,
         "d1 result (record 9): measure-a no: count 1", True),
        ("the authority's approval signature", raw_file("authority.bin",
                                                        lambda d: flip(d, len(d) - 1)), 29,
         "authority.bin: signature", False),
        ("a device registration's time (authority signature)", frames_file(
            "districts/d2/records.bin", lambda f: flip(f[0], len(f[0]) - 64 - 1)), 30,
         "d2 record 0: not signed by the election authority", True),
        ("d1's device registered in d2 too", d1_device_in_d2, 31, "also in district d1", True),
        ("a result in results.json", json_file("results.json", results_count), 26,
         "results.json differs", True),
        ("a challenged ballot's selections", json_file("challenged-ballots.json",
                                                       challenged_selection), 27,
         "challenged-ballots.json differs", True),
    ]


# The ledger key of the tiny record (docs/election-record.md §6): a test key, public on purpose.
TINY_LEDGER_SEED = bytes([0xEE]) * 32


@functools.lru_cache(maxsize=None)
def ed25519_secret(seed):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little") & ((1 << 254) - 8) | (1 << 254)
    return a, h[32:], ed_encode(ed_mul(a, ED_B))


def ed25519_sign(seed, message):
    a, prefix, public = ed25519_secret(seed)
    r = int.from_bytes(hashlib.sha512(prefix + message).digest(), "little") % L
    big_r = ed_encode(ed_mul(r, ED_B))
    k = int.from_bytes(hashlib.sha512(big_r + public + message).digest(), "little") % L
    return big_r + ((r + k * a) % L).to_bytes(32, "little")


def log_key_seed(master, origin):
    """docs/ledger.md §5: BLAKE2b-256 keyed by the master seed over the label and the origin."""
    return hashlib.blake2b(b"psephos/v1/ledger-log-key" + text(origin), key=master,
                           digest_size=32).digest()


def sign_checkpoint(seed, origin, size, root):
    body = "%s\n%d\n%s\n" % (origin, size, base64.b64encode(root).decode())
    key_id = sha256(origin.encode() + b"\n\x01" + ed25519_secret(seed)[2])[:4]
    blob = base64.b64encode(key_id + ed25519_sign(seed, body.encode())).decode()
    return body + "\n\u2014 " + origin + " " + blob + "\n"


def prove_consistency(leaves, m):
    """RFC 9162 §2.1.4.1 PROOF(m, D[n])."""
    def subproof(m, d, complete):
        if m == len(d):
            return [] if complete else [merkle_root(d)]
        k = 1
        while k * 2 < len(d):
            k *= 2
        if m <= k:
            return subproof(m, d[:k], complete) + [merkle_root(d[k:])]
        return subproof(m - k, d[k:], False) + [merkle_root(d[:k])]
    return subproof(m, leaves, True)


def reseal(root, master=TINY_LEDGER_SEED):
    """Makes a changed record consistent and signed again, as the ledger's key holder could:
    every checkpoint re-signed over the records as they now are, the election log's district
    checkpoints replaced, consistency proofs and record.json's sizes, roots and hashes redone."""
    def path(p):
        return os.path.join(root, p)

    def read(p):
        with open(path(p), "rb") as f:
            return f.read()

    def write(p, data):
        with open(path(p), "wb") as f:
            f.write(data)

    with open(path("record.json")) as f:
        record = json.load(f)
    logs = {e["name"]: e for e in record["logs"]}

    def resign(entry, records):
        seed = log_key_seed(master, entry["origin"])
        assert parse_verifier_key(entry["verifier_key"])[2] == ed25519_secret(seed)[2], \
            "this is not the record's ledger key"
        leaves = [leaf_hash(r) for r in records]
        notes = [n.decode() for n in read_frames(read(entry["directory"] + "/checkpoints.bin"))]
        # A log that shrank keeps its history's shape: sizes past its new end become its end.
        sizes = sorted({min(s, len(records))
                        for s in (parse_checkpoint(n[:n.rfind("\n\n") + 1])[1] for n in notes)})
        if records and (not sizes or sizes[-1] != len(records)):
            sizes.append(len(records))
        signed = {s: sign_checkpoint(seed, entry["origin"], s, merkle_root(leaves[:s]))
                  for s in sizes}
        write(entry["directory"] + "/records.bin", b"".join(u32(len(r)) + r for r in records))
        write(entry["directory"] + "/checkpoints.bin",
              b"".join(u32(len(signed[s].encode())) + signed[s].encode() for s in sizes))
        entry["size"], entry["root"] = len(records), merkle_root(leaves).hex()
        return leaves, signed, sizes

    def write_consistency(entry, leaves, sizes):
        write(entry["directory"] + "/consistency.bin", b"".join(
            u64(a) + u64(b) + u32(len(p)) + b"".join(p)
            for a, b, p in ((a, b, prove_consistency(leaves[:b], a))
                            for a, b in zip(sizes, sizes[1:]))))

    districts = {}
    for name, entry in logs.items():
        if not name.startswith("/"):
            districts[name] = resign(entry, read_frames(read(entry["directory"] + "/records.bin")))
    published = {name: [] for name in districts}
    election_records = []
    for r in read_frames(read("election/records.bin")):
        e = decode_district_checkpoint(r)
        size = min(parse_checkpoint(e["note"][:e["note"].rfind("\n\n") + 1])[1],
                   len(districts[e["district_id"]][0]))
        if size in published[e["district_id"]]:
            continue  # the shrunk log's end was already published
        published[e["district_id"]].append(size)
        election_records.append(bytes([0x0C, 1]) + text(e["district_id"]) +
                                text(districts[e["district_id"]][1][size]))
    leaves, _, sizes = resign(logs["/election"], election_records)
    write_consistency(logs["/election"], leaves, sizes)
    for name, sizes in published.items():
        write_consistency(logs[name], districts[name][0], sizes)
    resign(logs["/events"], read_frames(read("events/records.bin")))
    for f in record["files"]:
        data = read(f["path"])
        f["bytes"], f["sha256"] = len(data), sha256(data).hex()
    with open(path("record.json"), "w") as f:
        json.dump(record, f, indent=2)


def run_tamper_tests(record):
    import shutil
    import tempfile
    ok = True
    for name, mutate, step, reason, resealed in tamper_cases():
        with tempfile.TemporaryDirectory() as tmp:
            copy = os.path.join(tmp, "record")
            shutil.copytree(record, copy)
            mutate(copy)
            if resealed:
                name += ", re-signed"
                reseal(copy)
            v = Verifier(copy, quiet=True)
            v.run()
            caught = reason in v.failed.get(step, "")
            if resealed:  # the record is consistent and signed: only the content checks object
                caught = caught and all(n == step or n >= 17 for n in v.failed)
            ok = ok and caught
            print("tampered (%s): V%d %s (failed: %s)" % (
                name, step, "fails: " + v.failed[step] if caught else
                "does not fail with '%s', which it must: %s" % (reason, v.failed.get(step)),
                " ".join("V%d" % n for n in sorted(v.failed))))
    return ok


# ---- Expected values ---------------------------------------------------------------------------

HEADER = """\
# Intermediate values of the tiny election record tests/ledger/vectors/tiny-record/
# (docs/election-record.md §6), computed from the record by check_tiny_record.py following the
# document (plain Python: SHA-256, BLAKE2b, ristretto255, Ed25519), not by Psephos's code.
# tst_election_record recomputes every line with the C++ library.
# Format: <name> [<log or district> [<index or contest> [<option>]]] <value>
#   hashes, points and scalars as lower-case hex (scalars little-endian), counts in decimal;
#   "challenged" values are the option ids that open to 1, comma-separated, "-" for none.
"""

ORDER = ["base_hash", "ceremony_hash", "joint_key", "public_share", "file_sha256", "leaf", "root",
         "ballot_hash", "tracking_code", "challenged", "tally_alpha", "tally_beta", "tally_hash",
         "lagrange", "decrypted", "count", "total"]


def sort_key(item):
    """By kind, then district logs before /election and /events, then numerically by index."""
    words = item[0].split(" ")
    return (ORDER.index(words[0]),) + tuple(
        (0, int(w), "") if w.isdigit() else (2 if w.startswith("/") else 1, 0, w)
        for w in words[1:])


def format_values(values):
    return HEADER + "".join("%s %s\n" % kv for kv in sorted(values.items(), key=sort_key))


def check_ballot_example(election_path, ballot_hex_path, device_pub_path):
    """The worked example of docs/encoding.md §7 checked from the document's layouts alone: the
    finalized manifest's base hash and joint key, the ballot decoded (version 2 or 3), its style's
    contests and options, every range proof (§4.7) and the device's signature."""
    with open(election_path, encoding="utf-8") as f:
        manifest_bin = encode_manifest_json(json.load(f))
    m = decode_manifest(manifest_bin)
    base_hash = domain_hash("psephos/v1/election-base-hash", manifest_bin)
    with open(ballot_hex_path) as f:
        data = bytes.fromhex(f.read().strip())
    with open(device_pub_path) as f:
        lines = dict(l.split(": ", 1) for l in f.read().splitlines()[1:] if ": " in l)
    device_key = base64.b64decode(lines["public"], validate=True)
    b = decode_ballot(data)
    assert b["base_hash"] == base_hash, "base hash"
    style = next(s for s in m["styles"] if s["id"] == b["style_id"])
    assert b["district_id"] in style["districts"], "district"
    assert [c["id"] for c in b["contests"]] == style["contests"], "contests"
    contests = {c["id"]: c for c in m["contests"]}
    proofs = 0
    for c in b["contests"]:
        contest = contests[c["id"]]
        assert [s["id"] for s in c["selections"]] == [o for o, _ in contest["options"]], "options"
        alpha, beta = IDENTITY, IDENTITY
        for sel in c["selections"]:
            assert verify_range(base_hash, proof_context(b, c["id"], sel["id"]), sel["alpha"],
                                sel["beta"], m["joint_key"], 1, sel["proof"]), \
                "%s %s: 0/1 proof" % (c["id"], sel["id"])
            alpha, beta = add(alpha, sel["alpha"]), add(beta, sel["beta"])
            proofs += 1
        assert verify_range(base_hash, proof_context(b, c["id"], ""), alpha, beta, m["joint_key"],
                            contest["vote_for"], c["count_proof"]), "%s: count proof" % c["id"]
        proofs += 1
    assert ed25519_verify(device_key, b["body"], b["signature"]), "device signature"
    committed = b["contests"][0]["count_proof"][3] is not None
    print("%s: version %d ballot '%s', %d range proofs%s and the device signature verify" %
          (os.path.basename(ballot_hex_path), 3 if committed else 2, b["ballot_id"], proofs,
           " (commitment form)" if committed else ""))
    # One byte of each commitment or proof scalar changed must be refused.
    refused = 0
    body_end = len(data) - 64
    count_proof_size = 4 + (4 if committed else 2) * 32 * (b["contests"][-1]["count_proof"][0] + 1)
    for at in range(body_end - count_proof_size, body_end, 7):
        changed = bytearray(data)
        changed[at] ^= 0x01
        try:
            cb = decode_ballot(bytes(changed))
            c = cb["contests"][-1]
            alpha, beta = IDENTITY, IDENTITY
            for sel in c["selections"]:
                alpha, beta = add(alpha, sel["alpha"]), add(beta, sel["beta"])
            ok = verify_range(base_hash, proof_context(cb, c["id"], ""), alpha, beta,
                              m["joint_key"], contests[c["id"]]["vote_for"], c["count_proof"])
        except (Invalid, AssertionError):
            ok = False
        assert not ok, "a changed count-proof byte at %d was accepted" % at
        refused += 1
    print("  %d changed bytes of its last count proof refused" % refused)
    return True


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", default=os.path.join(here, "tiny-record"))
    parser.add_argument("--expected", default=os.path.join(here, "tiny-record-expected.txt"))
    parser.add_argument("--write-expected")
    parser.add_argument("--doc")
    parser.add_argument("--tamper", action="store_true",
                        help="also check that each of a list of changes makes its step fail")
    parser.add_argument("--anchors-only", action="store_true",
                        help="run only V28 and the steps it needs, compare no values")
    parser.add_argument("--ballot-example", nargs=3, metavar=("ELECTION", "BALLOT_HEX", "DEVICE_PUB"),
                        help="check a worked example ballot (docs/encoding.md §7) and exit")
    args = parser.parse_args()

    if args.ballot_example:
        try:
            return 0 if check_ballot_example(*args.ballot_example) else 1
        except (Invalid, AssertionError) as e:
            print("FAIL: %s" % e)
            return 1

    v = Verifier(args.record)
    if args.anchors_only:
        v.anchors_only = True
        return 0 if v.run(only=Verifier.ANCHOR_STEPS) else 1
    ok = v.run()
    text_out = format_values(v.values)
    if args.write_expected:
        with open(args.write_expected, "w") as f:
            f.write(text_out)
        print("wrote %d values to %s" % (len(v.values), args.write_expected))
    else:
        with open(args.expected) as f:
            expected = f.read()
        if expected != text_out:
            ok = False
            got = set(text_out.splitlines())
            for line in expected.splitlines():
                if line not in got:
                    print("expected value not computed: " + line)
            for line in text_out.splitlines():
                if line not in set(expected.splitlines()):
                    print("computed value not expected: " + line)
        else:
            print("all %d expected values computed" % len(v.values))
    if args.doc:
        with open(args.doc, encoding="utf-8") as f:
            doc = f.read()
        listed = re.search(r"```\n(# Intermediate values.*?)```", doc, re.S)
        if not listed or listed.group(1) != text_out:
            ok = False
            print("%s does not list exactly these values (§6)" % args.doc)
        else:
            print("%s lists exactly these values" % args.doc)
    if args.tamper:
        ok = run_tamper_tests(args.record) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
