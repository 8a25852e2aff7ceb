"""The anchor-transaction conditions of V28 (docs/election-record.md §5, E1-E6 and B1-B4) for
check_tiny_record.py, from the specifications with the Python standard library only: Keccak-256
(the original Keccak, padding 0x01; hashlib's sha3_256 is FIPS 202 and differs), secp256k1 public
key recovery (SEC 1 §4.1.6), RLP (Yellow Paper appendix B), EIP-1559/EIP-2718, EIP-55, and
Bitcoin's transaction serialization (BIP 144) and txid. Plain rather than fast: a record holds a
few anchors. Shares no code with Psephos.

    evm_faults(network, payload, tx)  and  bitcoin_faults(payload, tx)

return the list of what is wrong with an anchor transaction record `tx` (a dict with nonce,
sender, raw and transaction_id) of an intent with that network and payload; empty if nothing.
"""

import hashlib

# ---- Keccak-256 (The Keccak reference 3.0, §1.1-§1.2) -------------------------------------------

_RC = [0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
       0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
       0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
       0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
       0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
       0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008]
_MASK = (1 << 64) - 1


def _rotate(v, n):
    return ((v << n) | (v >> (64 - n))) & _MASK if n else v


def _rotations():
    """ρ offsets r[x][y]: (t+1)(t+2)/2 along (x, y) -> (y, 2x+3y), from (1, 0)."""
    r = [[0] * 5 for _ in range(5)]
    x, y = 1, 0
    for t in range(24):
        r[x][y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return r


_ROT = _rotations()


def _keccak_f(a):
    """Keccak-f[1600] on lanes a[x][y]."""
    for rc in _RC:
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rotate(c[(x + 1) % 5], 1) for x in range(5)]
        a = [[a[x][y] ^ d[x] for y in range(5)] for x in range(5)]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rotate(a[x][y], _ROT[x][y])
        a = [[b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y]) for y in range(5)]
             for x in range(5)]
        a[0][0] ^= rc
    return a


def keccak256(data):
    rate = 136
    padded = bytearray(data) + b"\x01" + bytes((-len(data) - 1) % rate)
    padded[-1] |= 0x80
    a = [[0] * 5 for _ in range(5)]
    for block in range(0, len(padded), rate):
        for i in range(rate // 8):
            a[i % 5][i // 5] ^= int.from_bytes(padded[block + 8 * i:block + 8 * i + 8], "little")
        a = _keccak_f(a)
    return b"".join(a[i % 5][i // 5].to_bytes(8, "little") for i in range(4))


assert keccak256(b"").hex() == \
    "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"

# ---- secp256k1 public key recovery (SEC 1 v2 §4.1.6) --------------------------------------------

_P = 2**256 - 2**32 - 977
_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_G = (0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
      0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8)


def _add(p, q):
    if p is None:
        return q
    if q is None:
        return p
    if p[0] == q[0] and (p[1] + q[1]) % _P == 0:
        return None
    if p == q:
        m = 3 * p[0] * p[0] * pow(2 * p[1], _P - 2, _P)
    else:
        m = (q[1] - p[1]) * pow(q[0] - p[0], _P - 2, _P)
    x = (m * m - p[0] - q[0]) % _P
    return x, (m * (p[0] - x) - p[1]) % _P


def _mul(k, p):
    out = None
    while k:
        if k & 1:
            out = _add(out, p)
        p = _add(p, p)
        k >>= 1
    return out


def recover_public_key(digest, r, s, y_parity):
    """The point Q with s·R = e·G + r·Q for R = (r, y of that parity); None if there is none.
    r < n < p, so x = r (the bridge's recovery ids are 0 and 1, EIP-1559's y parity)."""
    x = r
    y2 = (pow(x, 3, _P) + 7) % _P
    y = pow(y2, (_P + 1) // 4, _P)
    if y * y % _P != y2:
        return None
    if y % 2 != y_parity:
        y = _P - y
    e = int.from_bytes(digest, "big") % _N
    r_inv = pow(r, _N - 2, _N)
    q = _add(_mul(s * r_inv % _N, (x, y)), _mul((-e * r_inv) % _N, _G))
    return q


def eip55(address):
    lower = address.hex()
    digest = keccak256(lower.encode()).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c
                          for i, c in enumerate(lower))


# ---- EIP-1559 transactions over RLP -------------------------------------------------------------

def _rlp_item(raw, pos, end):
    """(is_list, payload start, payload length) of the canonical item at raw[pos], within end."""
    assert pos < end, "offset %d: an item is missing" % pos
    prefix = raw[pos]
    if prefix < 0x80:
        return False, pos, 1
    is_list = prefix >= 0xc0
    length = prefix - (0xc0 if is_list else 0x80)
    at = pos + 1
    if length > 55:
        size = length - 55
        assert end - at >= size, "offset %d: the length runs past its container" % pos
        assert raw[at] != 0, "offset %d: the length has a leading zero byte" % pos
        length = int.from_bytes(raw[at:at + size], "big")
        at += size
        assert length > 55, "offset %d: a long-form length below 56 bytes" % pos
    assert length <= end - at, "offset %d: the payload runs past its container" % pos
    assert is_list or length != 1 or raw[at] >= 0x80, \
        "offset %d: a single byte below 0x80 wrapped as a string" % pos
    return is_list, at, length


def decode_eip1559(raw):
    """E1: the fields of a signed EIP-1559 transaction, strictly, and its recovered sender."""
    assert raw[:1] == b"\x02", "does not start with its type byte 0x02"
    is_list, start, length = _rlp_item(raw, 1, len(raw))
    assert is_list, "offset 1: a string, not a list of fields"
    assert start + length == len(raw), "bytes after the list of fields"
    fields, pos = [], start
    while pos < start + length:
        assert len(fields) < 12, "offset %d: more than 12 fields" % pos
        item = _rlp_item(raw, pos, start + length)
        fields.append((pos,) + item)
        pos = item[1] + item[2]
    assert len(fields) == 12, "%d fields, not 12" % len(fields)

    def string(i):
        at, is_list, p, n = fields[i]
        assert not is_list, "offset %d: field %d: a list, not a string" % (at, i)
        return raw[p:p + n]

    def integer(i, size):
        b = string(i)
        assert not b.startswith(b"\x00"), "field %d: a leading zero byte" % i
        assert len(b) <= size, "field %d: more than %d bytes" % (i, size)
        return int.from_bytes(b, "big")

    tx = {"chain_id": integer(0, 8), "nonce": integer(1, 8)}
    assert tx["chain_id"] != 0, "chain id: 0"
    integer(2, 32), integer(3, 32), integer(4, 8)
    to = string(5)
    assert len(to) in (0, 20), "to: %d bytes, not 20" % len(to)
    tx["to"], tx["value"], tx["data"] = to or None, integer(6, 32), string(7)
    assert fields[8][1] and fields[8][3] == 0, "access list: not an empty list"
    y_parity, r, s = integer(9, 8), integer(10, 32), integer(11, 32)
    assert y_parity <= 1, "y parity: not 0 or 1"
    assert 0 < r < _N, "r: not in [1, n-1]"
    assert 0 < s <= _N // 2, "s: not in [1, n/2] (EIP-2)"
    body = raw[fields[0][0]:fields[8][2] + fields[8][3]]
    header = bytes([0xc0 + len(body)]) if len(body) <= 55 else \
        bytes([0xf7 + (len(body).bit_length() + 7) // 8]) + \
        len(body).to_bytes((len(body).bit_length() + 7) // 8, "big")
    q = recover_public_key(keccak256(b"\x02" + header + body), r, s, y_parity)
    assert q is not None, "no public key recovers from the signature"
    tx["sender"] = keccak256(q[0].to_bytes(32, "big") + q[1].to_bytes(32, "big"))[12:]
    return tx


def anchor_call(payload):
    """anchor(bytes32,uint64,bytes32) of the payload's digest, size and root (Solidity ABI)."""
    return keccak256(b"anchor(bytes32,uint64,bytes32)")[:4] + payload[5:37] + bytes(24) + \
        payload[37:45] + payload[45:77]


def evm_faults(network, payload, x):
    try:
        tx = decode_eip1559(x["raw"])
    except (AssertionError, IndexError) as e:
        return ["raw transaction: EIP-1559 transaction: %s" % e]
    out = []
    if keccak256(x["raw"]) != x["transaction_id"]:                                       # E2
        out.append("the transaction id is not Keccak-256 of the raw transaction")
    if str(tx["chain_id"]) != network:                                                   # E3
        out.append("the transaction's chain id %d is not the intent's %s" % (tx["chain_id"],
                                                                             network))
    if eip55(tx["sender"]) != x["sender"]:                                               # E4
        out.append("the transaction is signed by %s, not by the recorded sender %s" % (
            eip55(tx["sender"]), x["sender"]))
    if tx["nonce"] != x["nonce"]:                                                        # E5
        out.append("the transaction's nonce %d is not the recorded %d" % (tx["nonce"],
                                                                          x["nonce"]))
    if tx["value"] != 0:                                                                 # E6
        out.append("the transaction transfers a value")
    if tx["data"] == payload:
        if tx["to"] != tx["sender"]:
            out.append("the payload as plain calldata goes to another address than the sender's")
    elif tx["data"] != anchor_call(payload) or tx["to"] is None:
        out.append("the calldata is neither the intent's payload nor a call of "
                   "anchor(bytes32,uint64,bytes32) with its digest, size and root")
    return out


# ---- Bitcoin transactions -----------------------------------------------------------------------

MAX_MONEY = 21000000 * 100000000  # satoshi


def decode_bitcoin(raw):
    """B1: outputs and txid (display order) of a strictly serialized transaction."""
    pos = 0

    def take(n, what):
        nonlocal pos
        assert n <= len(raw) - pos, "bitcoin transaction at byte %d: %s: truncated" % (pos, what)
        pos += n
        return raw[pos - n:pos]

    def compact(what):
        at = pos
        first = take(1, what)[0]
        width = {0xfd: 2, 0xfe: 4, 0xff: 8}.get(first, 0)
        v = int.from_bytes(take(width, what), "little") if width else first
        assert v >= {0: 0, 2: 0xfd, 4: 0x10000, 8: 0x100000000}[width], \
            "bitcoin transaction at byte %d: %s: not a minimal CompactSize" % (at, what)
        assert v <= 0x02000000, "bitcoin transaction at byte %d: %s: too large" % (at, what)
        return v

    def count(what, min_size):
        at = pos
        n = compact(what)
        assert n <= 100000 and n * min_size <= len(raw) - pos, \
            "bitcoin transaction at byte %d: %s: too many" % (at, what)
        return n

    def var_bytes(what):
        return take(compact(what + " length"), what)

    assert len(raw) <= 4000000, "bitcoin transaction at byte 0: more than 4000000 bytes"
    take(4, "version")
    witness = raw[4:5] == b"\x00"
    if witness:
        take(1, "marker")
        assert take(1, "segwit flag") == b"\x01", "bitcoin transaction at byte 5: segwit flag"
    body = pos
    inputs = count("input count", 41)
    assert inputs, "bitcoin transaction at byte %d: no inputs" % body
    for i in range(inputs):
        take(36, "prevout"), var_bytes("scriptSig"), take(4, "sequence")
    outputs_at = pos
    n_outputs = count("output count", 9)
    assert n_outputs, "bitcoin transaction at byte %d: no outputs" % outputs_at
    outputs, total = [], 0
    for i in range(n_outputs):
        value = int.from_bytes(take(8, "value"), "little")
        total += value
        assert value <= MAX_MONEY and total <= MAX_MONEY, "bitcoin transaction: output %d: value" % i
        outputs.append((value, var_bytes("scriptPubKey")))
    body_end = pos
    if witness:
        items = 0
        for i in range(inputs):
            n = count("witness item count", 1)
            items += n
            for _ in range(n):
                var_bytes("witness item")
        assert items, "bitcoin transaction: a segwit serialization without witness data"
    take(4, "locktime")
    assert pos == len(raw), "bitcoin transaction at byte %d: bytes after the locktime" % pos
    stripped = raw[:4] + raw[body:body_end] + raw[-4:]
    txid = hashlib.sha256(hashlib.sha256(stripped).digest()).digest()[::-1]
    return outputs, txid


def bitcoin_faults(payload, x):
    try:
        outputs, txid = decode_bitcoin(x["raw"])
    except (AssertionError, IndexError) as e:
        return ["raw transaction: %s" % e]
    out = []
    if txid != x["transaction_id"]:                                                      # B2
        out.append("the transaction id is not the raw transaction's txid")
    if x["nonce"] != 0:                                                                  # B4
        out.append("a Bitcoin anchor records nonce %d" % x["nonce"])
    scripts = [s for _, s in outputs if s[:1] == b"\x6a"]                               # B3
    if len(scripts) != 1:
        out.append("%d OP_RETURN outputs, not exactly one" % len(scripts))
    elif scripts[0] != b"\x6a\x4c" + bytes([len(payload)]) + payload:
        out.append("the OP_RETURN output is not OP_RETURN OP_PUSHDATA1 0x4d and the payload")
    return out
