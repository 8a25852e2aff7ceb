// The receipt page's checks (docs/web.md §3, W1–W6), run in the voter's browser with WebCrypto
// (SHA-256, Ed25519) and nothing else: no server is trusted, the site's files are only data.
// The byte layouts are docs/encoding.md's (§4 ballot, §5 tracking codes, §6 challenged ballot,
// §11 signed notes, §14 district checkpoint); the Merkle proofs are RFC 9162's as in
// crypto/merkle_tree.hpp. The same module runs under Node 20 for its unit tests
// (tests/web/verify.test.mjs).

const subtle = globalThis.crypto.subtle;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', {fatal: true});

// A check that failed: `check` names the step (W1…W6), `reason` says what is wrong.
export class CheckError extends Error {
    constructor(check, reason) {
        super(`${check}: ${reason}`);
        this.check = check;
        this.reason = reason;
    }
}

export function hexToBytes(hex) {
    if (typeof hex !== 'string' || !/^([0-9a-f]{2})*$/.test(hex)) {
        throw new Error('not lower-case hex');
    }
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; ++i) out[i] = parseInt(hex.substr(2 * i, 2), 16);
    return out;
}

export function bytesToHex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// Standard padded base64, canonical only (what Psephos writes and C2SP requires).
export function base64ToBytes(text) {
    if (typeof text !== 'string' || !/^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) {
        throw new Error('not canonical base64');
    }
    const binary = atob(text);
    const out = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    if (bytesToBase64(out) !== text) throw new Error('not canonical base64');
    return out;
}

export function bytesToBase64(bytes) {
    let binary = '';
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary);
}

function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
        out.set(p, at);
        at += p.length;
    }
    return out;
}

function equalBytes(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; ++i) if (a[i] !== b[i]) return false;
    return true;
}

function u32be(n) {
    return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

function text(s) {
    const b = encoder.encode(s);
    return concat(u32be(b.length), b);
}

export async function sha256(bytes) {
    return new Uint8Array(await subtle.digest('SHA-256', bytes));
}

// RFC 9162 §2.1: leaf H(00 ‖ record), node H(01 ‖ left ‖ right).
export function leafHash(record) {
    return sha256(concat(new Uint8Array([0]), record));
}

function nodeHash(left, right) {
    return sha256(concat(new Uint8Array([1]), left, right));
}

// RFC 9162 §2.1.3.2: the root that `path` leads to from `leaf` at `index` in a tree of `size`.
export async function rootFromInclusion(leaf, index, size, path) {
    if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
        throw new Error(`index ${index} is not below the tree size ${size}`);
    }
    let fn = index;
    let sn = size - 1;
    let r = leaf;
    for (const p of path) {
        if (sn === 0) throw new Error('the proof is longer than the tree is deep');
        if (fn % 2 === 1 || fn === sn) {
            r = await nodeHash(p, r);
            if (fn % 2 === 0) {
                while (fn % 2 === 0 && fn !== 0) {
                    fn = Math.floor(fn / 2);
                    sn = Math.floor(sn / 2);
                }
            }
        } else {
            r = await nodeHash(r, p);
        }
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
    }
    if (sn !== 0) throw new Error('the proof is shorter than the tree is deep');
    return r;
}

export async function verifyInclusion(leaf, index, size, path, root) {
    const computed = await rootFromInclusion(leaf, index, size, path);
    if (!equalBytes(computed, root)) {
        throw new Error(`the proof leads to root ${bytesToHex(computed)}, not the checkpoint's ${bytesToHex(root)}`);
    }
}

// "<name>+<8 hex key id>+<base64(0x01 ‖ key)>" (docs/election-record.md §3.3); the key id must
// be the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key).
export async function parseVerifierKey(textKey) {
    const first = textKey.indexOf('+');
    const second = textKey.indexOf('+', first + 1);
    if (first <= 0 || second < 0) throw new Error('verifier key: not <name>+<id>+<key>');
    const name = textKey.slice(0, first);
    const idHex = textKey.slice(first + 1, second);
    if (!/^[0-9a-f]{8}$/.test(idHex)) throw new Error('verifier key: the key id is not 8 hex digits');
    const keyBytes = base64ToBytes(textKey.slice(second + 1));
    if (keyBytes.length !== 33 || keyBytes[0] !== 1) throw new Error('verifier key: not an Ed25519 key');
    const id = (await sha256(concat(encoder.encode(name), new Uint8Array([0x0a]), keyBytes))).slice(0, 4);
    if (bytesToHex(id) !== idHex) throw new Error('verifier key: the key id does not match the name and key');
    return {name, keyId: hexToBytes(idHex), publicKey: keyBytes.slice(1)};
}

// A C2SP signed note (docs/encoding.md §11): the text up to and including the first "\n" of the
// last "\n\n", then signature lines "— <name> <base64(key id ‖ signature)>\n".
export function splitNote(note) {
    const cut = note.lastIndexOf('\n\n');
    if (cut < 0 || !note.endsWith('\n')) throw new Error('signed note: no blank line before the signatures');
    const body = note.slice(0, cut + 1);
    const lines = note.slice(cut + 2, -1).split('\n');
    const signatures = lines.map((line) => {
        const m = /^\u2014 ([^ +\s]+) ([A-Za-z0-9+/=]+)$/.exec(line);
        if (!m) throw new Error(`signed note: not a signature line: "${line}"`);
        const blob = base64ToBytes(m[2]);
        if (blob.length < 5) throw new Error('signed note: signature too short');
        return {name: m[1], keyId: blob.slice(0, 4), signature: blob.slice(4)};
    });
    return {body, signatures};
}

// The checkpoint's text if `note` has at least one signature by `key` and every such signature
// verifies (Ed25519 through WebCrypto); signatures by other keys (witnesses) are ignored.
export async function openNote(note, key) {
    const {body, signatures} = splitNote(note);
    const mine = signatures.filter((s) => s.name === key.name && equalBytes(s.keyId, key.keyId));
    if (mine.length === 0) throw new Error(`signed note: no signature by ${key.name}`);
    const publicKey = await subtle.importKey('raw', key.publicKey, {name: 'Ed25519'}, false, ['verify']);
    for (const s of mine) {
        if (s.signature.length !== 64 ||
            !(await subtle.verify({name: 'Ed25519'}, publicKey, s.signature, encoder.encode(body)))) {
            throw new Error(`signed note: the signature by ${key.name} does not verify`);
        }
    }
    return body;
}

// "<origin>\n<size>\n<base64 root>\n[extensions]" (docs/election-record.md §3.3).
export function parseCheckpoint(body) {
    const lines = body.split('\n');
    if (lines.length < 4 || lines[lines.length - 1] !== '' || lines.slice(0, -1).some((l) => l === '')) {
        throw new Error('checkpoint: not origin, size and root lines');
    }
    if (!/^(0|[1-9][0-9]*)$/.test(lines[1]) || !Number.isSafeInteger(Number(lines[1]))) {
        throw new Error('checkpoint: bad size');
    }
    const root = base64ToBytes(lines[2]);
    if (root.length !== 32) throw new Error('checkpoint: the root is not 32 bytes');
    return {origin: lines[0], size: Number(lines[1]), root};
}

// A cursor over a record's bytes that fails, naming the offset, when it runs out.
class Reader {
    constructor(bytes, what) {
        this.bytes = bytes;
        this.at = 0;
        this.what = what;
    }
    take(n) {
        if (n > this.bytes.length - this.at) throw new Error(`${this.what} at byte ${this.at}: truncated`);
        const out = this.bytes.subarray(this.at, this.at + n);
        this.at += n;
        return out;
    }
    u8() {
        return this.take(1)[0];
    }
    u32() {
        const b = this.take(4);
        return ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
    }
    text() {
        return decoder.decode(this.take(this.u32()));
    }
    // A ballot's range proof (docs/encoding.md §1, §4): the limit N, then 64(N+1) bytes in a
    // version 2 ballot, 128(N+1) in a version 3 one (the commitments first). The page reads past
    // it; the proofs are psephos verify's V19.
    rangeProof(version) {
        const n = this.u32();
        if (n < 1 || n > 255) throw new Error(`${this.what} at byte ${this.at}: bad range proof limit`);
        this.take((version >= 3 ? 128 : 64) * (n + 1));
    }
    end() {
        if (this.at !== this.bytes.length) throw new Error(`${this.what}: ${this.bytes.length - this.at} bytes left over`);
    }
}

// The fields of an encrypted ballot (0x02 version 2 or 3) the receipt page needs, and its body.
export function parseBallot(record) {
    const r = new Reader(record, 'encrypted ballot');
    const type = r.u8();
    const version = r.u8();
    if (type !== 0x02 || (version !== 2 && version !== 3)) {
        throw new Error('not an encrypted ballot record (0x02 version 2 or 3)');
    }
    const ballot = {baseHash: r.take(32).slice()};
    ballot.ballotId = r.text();
    ballot.deviceId = r.text();
    ballot.districtId = r.text();
    ballot.styleId = r.text();
    r.take(8);  // the timestamp, rounded to the hour
    ballot.previousCode = r.take(32).slice();
    ballot.contests = [];
    const contests = r.u32();
    for (let c = 0; c < contests; ++c) {
        const contest = {id: r.text(), options: []};
        const selections = r.u32();
        for (let s = 0; s < selections; ++s) {
            contest.options.push(r.text());
            r.take(64);
            r.rangeProof(version);
        }
        r.rangeProof(version);
        ballot.contests.push(contest);
    }
    if (record.length - r.at !== 64) throw new Error('encrypted ballot: not followed by a 64-byte signature');
    ballot.body = record.subarray(0, record.length - 64);
    return ballot;
}

// A challenged ballot (0x03 version 1): its inner ballot and the marks it reveals. The marks
// are the record's word here; that the nonces open the ciphertexts to them is psephos verify's V22.
export function parseChallenged(record) {
    const r = new Reader(record, 'challenged ballot');
    if (r.u8() !== 0x03 || r.u8() !== 1) throw new Error('not a challenged ballot record (0x03 version 1)');
    const ballot = parseBallot(r.take(r.u32()));
    const contests = r.u32();
    if (contests !== ballot.contests.length) throw new Error('challenged ballot: contest count differs from the ballot');
    ballot.opened = ballot.contests.map((contest) => {
        const n = r.u32();
        if (n !== contest.options.length) throw new Error(`challenged ballot: contest '${contest.id}': selection count differs`);
        const chosen = [];
        for (let s = 0; s < n; ++s) {
            const mark = r.u8();
            r.take(32);
            if (mark > 1) throw new Error(`challenged ballot: contest '${contest.id}': mark ${mark}`);
            if (mark === 1) chosen.push(contest.options[s]);
        }
        return {contest: contest.id, selections: chosen};
    });
    r.end();
    return ballot;
}

// docs/encoding.md §5.
export async function trackingCode(previousCode, ballotHash) {
    return sha256(concat(new Uint8Array([2, 1]), text('psephos/v1/tracking-code'), previousCode, ballotHash));
}

const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

// The printed form: the first 20 bytes in base32, 8 groups of 4 joined by "-".
export function printedCode(code) {
    let bits = 0;
    let value = 0;
    let out = '';
    for (const b of code.subarray(0, 20)) {
        value = (value << 8) | b;
        bits += 8;
        while (bits >= 5) {
            out += base32Alphabet[(value >>> (bits - 5)) & 31];
            bits -= 5;
        }
        value &= (1 << bits) - 1;
    }
    return out.match(/.{4}/g).join('-');
}

// What the voter typed, normalised: the 20-byte printed prefix as 40 hex digits, or the full 64
// hex digits. Dashes, spaces and case are ignored. Null if it is neither form.
export function normaliseCode(typed) {
    const compact = String(typed).replace(/[\s-]/g, '');
    if (/^[0-9a-fA-F]{64}$/.test(compact)) return compact.toLowerCase();
    const upper = compact.toUpperCase();
    if (!/^[A-Z2-7]{32}$/.test(upper)) return null;
    let bits = 0;
    let value = 0;
    const bytes = [];
    for (const ch of upper) {
        value = (value << 5) | base32Alphabet.indexOf(ch);
        bits += 5;
        if (bits >= 8) {
            bytes.push((value >>> (bits - 8)) & 0xff);
            bits -= 8;
            value &= (1 << bits) - 1;
        }
    }
    return bytesToHex(bytes);
}

// The 0x0C election-log leaf: district id and signed checkpoint (docs/encoding.md §14).
export function parseDistrictCheckpoint(record) {
    const r = new Reader(record, 'district checkpoint');
    if (r.u8() !== 0x0c || r.u8() !== 1) throw new Error('not a district checkpoint record (0x0C version 1)');
    const districtId = r.text();
    const signedCheckpoint = r.text();
    r.end();
    return {districtId, signedCheckpoint};
}

// The shard that holds `code` (normalised) in `district` of the site (docs/web.md §2).
export function shardName(district, code) {
    return `data/districts/${district.id}/${code.slice(0, district.shard_prefix_digits) || 'all'}.json`;
}

function step(check, fn) {
    return Promise.resolve()
        .then(fn)
        .catch((e) => {
            throw e instanceof CheckError ? e : new CheckError(check, e.message);
        });
}

// Runs W2–W6 for the ballot `entry` of `shard` against the site's published keys and checkpoints.
// Returns what was checked, for the page to show; throws CheckError naming the failed step.
export async function verifyBallot(site, district, shard, entry, code) {
    const result = {district: district.id};
    const record = await step('W2', () => base64ToBytes(entry.record));
    // W2: the ballot record is this election's, for this district, and has this tracking code.
    await step('W2', async () => {
        const challenged = record[0] === 0x03;
        const ballot = challenged ? parseChallenged(record) : parseBallot(record);
        if (bytesToHex(ballot.baseHash) !== site.base_hash) throw new Error("the ballot is for another election's base hash");
        if (ballot.districtId !== district.id) throw new Error(`the ballot is for district '${ballot.districtId}'`);
        const computed = bytesToHex(await trackingCode(ballot.previousCode, await sha256(ballot.body)));
        if (computed !== entry.tracking_code) throw new Error(`the record's tracking code is ${computed}, not the shard's ${entry.tracking_code}`);
        if (!computed.startsWith(code)) throw new Error('the record does not have the code that was typed');
        result.state = challenged ? 'challenged' : 'cast';
        result.trackingCode = computed;
        result.printedCode = printedCode(hexToBytes(computed));
        result.ballotId = ballot.ballotId;
        result.deviceId = ballot.deviceId;
        if (challenged) result.opened = ballot.opened;
    });
    if (!entry.inclusion || !district.checkpoint) {
        throw new CheckError('W4', 'the ballot is not yet in a published checkpoint of its district');
    }
    // W3: the district checkpoint carries the district log's signature (key from record.json).
    const checkpoint = await step('W3', async () => {
        const key = await parseVerifierKey(district.verifier_key);
        const origin = `${site.election_id}/district/${district.id}`;
        if (key.name !== origin) throw new Error(`the verifier key is named ${key.name}, not ${origin}`);
        const cp = parseCheckpoint(await openNote(district.checkpoint.signed_checkpoint, key));
        if (cp.origin !== origin) throw new Error(`the checkpoint's origin is ${cp.origin}`);
        return cp;
    });
    result.districtCheckpoint = {size: checkpoint.size, root: bytesToHex(checkpoint.root)};
    // W4: the ballot's leaf is at its index in that checkpoint's tree.
    await step('W4', async () => {
        const path = entry.inclusion.map(hexToBytes);
        await verifyInclusion(await leafHash(record), entry.index, checkpoint.size, path, checkpoint.root);
    });
    result.index = entry.index;
    // W5: the election checkpoint carries the election log's signature.
    const election = await step('W5', async () => {
        const key = await parseVerifierKey(site.election_log.verifier_key);
        const origin = `${site.election_id}/election`;
        if (key.name !== origin) throw new Error(`the verifier key is named ${key.name}, not ${origin}`);
        const cp = parseCheckpoint(await openNote(site.election_log.signed_checkpoint, key));
        if (cp.origin !== origin) throw new Error(`the checkpoint's origin is ${cp.origin}`);
        return cp;
    });
    result.electionCheckpoint = {size: election.size, root: bytesToHex(election.root)};
    // W6: the district checkpoint is a leaf of the election log, in that election checkpoint.
    await step('W6', async () => {
        const leafRecord = base64ToBytes(district.checkpoint.election_leaf);
        const leaf = parseDistrictCheckpoint(leafRecord);
        if (leaf.districtId !== district.id || leaf.signedCheckpoint !== district.checkpoint.signed_checkpoint) {
            throw new Error("the election log's leaf does not carry this district checkpoint");
        }
        await verifyInclusion(await leafHash(leafRecord), district.checkpoint.election_leaf_index,
                              election.size, district.checkpoint.election_inclusion.map(hexToBytes), election.root);
    });
    result.electionLeafIndex = district.checkpoint.election_leaf_index;
    result.anchors = (site.anchors || []).filter((a) => a.size === election.size && a.root === bytesToHex(election.root));
    return result;
}

// W1: the entry for `code` in the shard, or null (not found). The shard must be for the district
// and the code's prefix.
export function findEntry(district, shard, code) {
    const prefix = code.slice(0, district.shard_prefix_digits);
    if (shard.district !== district.id || shard.prefix !== prefix) {
        throw new CheckError('W1', `the shard is for district '${shard.district}' prefix '${shard.prefix}', not '${district.id}' '${prefix}'`);
    }
    const found = shard.ballots.filter((b) => typeof b.tracking_code === 'string' && b.tracking_code.startsWith(code));
    if (found.length > 1) throw new CheckError('W1', 'more than one ballot has this code');
    return found[0] || null;
}
