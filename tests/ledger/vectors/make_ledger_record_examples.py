# The worked examples of docs/encoding.md §12–§15, written from the layouts there (not by the C++).
import base64, hashlib, struct
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

def u8(v): return struct.pack(">B", v)
def u16(v): return struct.pack(">H", v)
def u64(v): return struct.pack(">Q", v)
def text(s):
    b = s.encode("utf-8")
    return struct.pack(">I", len(b)) + b
def record(t, body): return bytes([t, 1]) + body
def leaf(b): return hashlib.sha256(b"\x00" + b).digest()
def pub(seed_hex):
    k = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex))
    return k, k.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

# RFC 8032 §7.1 TEST 1 and TEST 2 keys.
device_sk, device_key = pub("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
log_sk, log_key = pub("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
assert device_key.hex() == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
assert log_key.hex() == "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"

# The election authority: RFC 8032 §7.1 TEST 3's key; the election: the worked example of §7.
authority_sk, authority_key = pub("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7")
assert authority_key.hex() == "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"
base_hash = bytes.fromhex("cb10eeefed92fcd0880b9e8d4441ec4ec49e88d2f39cc21a6e1a396c4aa6c4b7")

ex = {}
# Version 2: the body, then the authority's signature of label ‖ 0x00 ‖ base hash ‖ the record so far.
registration = bytes([0x07, 2]) + text("d1") + text("kiosk-1") + device_key + u64(1_800_000_000)
ex["device registration"] = registration + authority_sk.sign(
    b"psephos/v1/device-authorisation\x00" + base_hash + registration)
# Version 1: the authority withdraws that device (same key), with a reason, signed like it.
deauthorisation = (bytes([0x17, 1]) + text("d1") + text("kiosk-1") + device_key +
                   u64(1_800_010_000) + text("reported stolen"))
ex["device deauthorisation"] = deauthorisation + authority_sk.sign(
    b"psephos/v1/device-deauthorisation\x00" + base_hash + deauthorisation)
ex["election approval"] = bytes([0x14, 1]) + base_hash + authority_key + authority_sk.sign(
    b"psephos/v1/election-approval\x00" + base_hash)
# Version 2: signed by the device (kiosk-1, RFC 8032 TEST 1's key); the closing record carries
# each device's head, signed by that device.
def head(district, device, ballots, last_code):
    message = (b"psephos/v1/device-head\x00" + base_hash + text(district) + text(device) +
               u64(ballots) + last_code)
    return text(device) + u64(ballots) + last_code + device_sk.sign(message)
def polls(t, district, time, cast, challenged, actor, device, heads):
    body = (bytes([t, 2]) + text(district) + u64(time) + u64(cast) + u64(challenged) +
            text(actor) + text(device) + struct.pack(">I", len(heads)) + b"".join(heads))
    return body + device_sk.sign(b"psephos/v1/polls-record\x00" + base_hash + body)
ex["polls opened"] = polls(0x08, "d1", 1_799_996_400, 0, 0, "Grace Hopper", "kiosk-1", [])
example_last_code = bytes(range(32))  # the tracking code of kiosk-1's third ballot, say
ex["polls closed"] = polls(0x0B, "d1", 1_800_036_000, 2, 1, "Grace Hopper", "kiosk-1",
                           [head("d1", "kiosk-1", 3, example_last_code)])

# A checkpoint of a one-leaf district log (the polls-opened example), signed as a C2SP note (§11).
origin = "psephos/tiny-2026/district/d1"
root = leaf(ex["polls opened"])
note_text = f"{origin}\n1\n{base64.b64encode(root).decode()}\n"
key_id = hashlib.sha256(origin.encode() + b"\n\x01" + log_key).digest()[:4]
sig = log_sk.sign(note_text.encode())
note = note_text + "\n" + f"\u2014 {origin} {base64.b64encode(key_id + sig).decode()}\n"
ex["district checkpoint"] = record(0x0C, text("d1") + text(note))

def event(seq, time, type_, actor, disp, district, subject, prev):
    return record(0x0D, u64(seq) + u64(time) + u16(type_) + u8(actor) + u8(disp) + text(district) +
                  text(subject) + prev)
ex["ledger event 0"] = event(0, 1_799_992_800, 1, 1, 1, "", "psephos 0.1", bytes(32))
ex["ledger event 1"] = event(1, 1_799_996_400, 6, 2, 1, "d1", "Grace Hopper", leaf(ex["ledger event 0"]))

for name, b in ex.items():
    print(f"{name} ({len(b)} bytes):")
    h = b.hex()
    for i in range(0, len(h), 96): print("    " + h[i:i + 96])
print("polls opened leaf hash:", root.hex())
print("ledger event 0 leaf hash:", leaf(ex["ledger event 0"]).hex())
vk = base64.b64encode(bytes([1]) + log_key).decode()
print("verifier key:", origin + "+" + key_id.hex() + "+" + vk)
print("note:", repr(note))

print()
names = {"device registration": "device_registration_hex",
         "device deauthorisation": "device_deauthorisation_hex", "election approval": "election_approval_hex",
         "polls opened": "polls_opened_hex",
         "polls closed": "polls_closed_hex", "district checkpoint": "district_checkpoint_hex",
         "ledger event 0": "ledger_event_0_hex", "ledger event 1": "ledger_event_1_hex"}
for name, b in ex.items():
    h = b.hex()
    print(f"const char* const {names[name]} =")
    parts = [h[i:i + 92] for i in range(0, len(h), 92)]
    print("\n".join(f'    "{p}"' for p in parts) + ";")
