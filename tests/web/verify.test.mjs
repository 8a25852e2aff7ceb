// Unit tests of the receipt page's checks (ui/web/verify.js, docs/web.md §3) under Node's test
// runner, against the committed tiny record (tests/ledger/vectors/tiny-record) and the
// intermediate values check_tiny_record.py computed from it independently
// (tiny-record-expected.txt: leaf hashes, tracking codes). Inclusion proofs are made here from
// RFC 9162 §2.1.3.1's recursive definition, not by Psephos's code. Every check W2–W6 has a
// tampered input that must fail with that check's name.
// Run: node --test tests/web/verify.test.mjs
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';

import * as v from '../../ui/web/verify.js';

const here = dirname(fileURLToPath(import.meta.url));
const recordDir = join(here, '..', 'ledger', 'vectors', 'tiny-record');
const expectedLines = readFileSync(join(here, '..', 'ledger', 'vectors', 'tiny-record-expected.txt'), 'utf8')
    .split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(' '));
const recordJson = JSON.parse(readFileSync(join(recordDir, 'record.json'), 'utf8'));

function frames(path) {
    const bytes = new Uint8Array(readFileSync(join(recordDir, path)));
    const out = [];
    for (let at = 0; at < bytes.length;) {
        const n = new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0);
        out.push(bytes.slice(at + 4, at + 4 + n));
        at += 4 + n;
    }
    return out;
}

const concat = (...parts) => Uint8Array.from(parts.flatMap((p) => [...p]));
const sha = (b) => v.sha256(b);

// RFC 9162 §2.1.1 MTH and §2.1.3.1 PATH, literally.
async function mth(leaves) {
    if (leaves.length === 0) return sha(new Uint8Array());
    if (leaves.length === 1) return leaves[0];
    let k = 1;
    while (k * 2 < leaves.length) k *= 2;
    return sha(concat([1], await mth(leaves.slice(0, k)), await mth(leaves.slice(k))));
}
async function path(m, leaves) {
    if (leaves.length === 1) return [];
    let k = 1;
    while (k * 2 < leaves.length) k *= 2;
    if (m < k) return [...(await path(m, leaves.slice(0, k))), await mth(leaves.slice(k))];
    return [...(await path(m - k, leaves.slice(k))), await mth(leaves.slice(0, k))];
}

const logOf = (name) => recordJson.logs.find((l) => l.name === name);
const decoder = new TextDecoder();

// The site data psephos publish would write (docs/web.md §2), built here from the record files.
async function buildSite() {
    const electionRecords = frames('election/records.bin');
    const electionLeaves = await Promise.all(electionRecords.map(v.leafHash));
    const electionNotes = frames('election/checkpoints.bin').map((f) => decoder.decode(f));
    const site = {
        election_id: recordJson.election_id,
        base_hash: recordJson.base_hash,
        election_log: {verifier_key: logOf('/election').verifier_key, signed_checkpoint: electionNotes.at(-1)},
        districts: [],
        anchors: [],
    };
    const shards = {};
    for (const id of ['d1', 'd2']) {
        const leafIndex = electionRecords.map((r, i) => [v.parseDistrictCheckpoint(r), i]).filter(([c]) => c.districtId === id).at(-1)[1];
        const leaf = v.parseDistrictCheckpoint(electionRecords[leafIndex]);
        const size = Number(leaf.signedCheckpoint.split('\n')[1]);
        const district = {
            id, verifier_key: logOf(id).verifier_key, shard_prefix_digits: 0,
            checkpoint: {
                signed_checkpoint: leaf.signedCheckpoint,
                election_leaf: v.bytesToBase64(electionRecords[leafIndex]),
                election_leaf_index: leafIndex,
                election_inclusion: (await path(leafIndex, electionLeaves)).map(v.bytesToHex),
            },
        };
        const records = frames(`districts/${id}/records.bin`);
        const leaves = await Promise.all(records.slice(0, size).map(v.leafHash));
        const ballots = [];
        for (const [index, record] of records.entries()) {
            if (record[0] !== 2 && record[0] !== 3) continue;
            const ballot = record[0] === 2 ? v.parseBallot(record) : v.parseChallenged(record);
            const code = v.bytesToHex(await v.trackingCode(ballot.previousCode, await sha(ballot.body)));
            ballots.push({tracking_code: code, index, record: v.bytesToBase64(record),
                          inclusion: (await path(index, leaves)).map(v.bytesToHex)});
        }
        site.districts.push(district);
        shards[id] = {district: id, prefix: '', ballots};
    }
    return {site, shards};
}

const clone = (x) => structuredClone(x);
const {site, shards} = await buildSite();
const expected = (name, log, index) => expectedLines.find((l) => l[0] === name && l[1] === log && l[2] === String(index))[3];

async function rejects(promise, check, pattern) {
    await assert.rejects(promise, (e) => {
        assert.ok(e instanceof v.CheckError, `not a CheckError: ${e}`);
        assert.equal(e.check, check, e.message);
        if (pattern) assert.match(e.reason, pattern);
        return true;
    });
}

const d1 = () => site.districts[0];
const cast = (s = shards.d1) => s.ballots.find((b) => b.index === 2);

test('leaf hashes and roots agree with the record and check_tiny_record.py', async () => {
    for (const id of ['d1', 'd2', '/election']) {
        const dir = id.startsWith('/') ? id.slice(1) : `districts/${id}`;
        const leaves = await Promise.all(frames(`${dir}/records.bin`).map(v.leafHash));
        leaves.forEach((leaf, i) => assert.equal(v.bytesToHex(leaf), expected('leaf', id, i)));
        assert.equal(v.bytesToHex(await mth(leaves)), logOf(id).root);
    }
});

test('tracking codes agree with check_tiny_record.py, and their printed form with the record', async () => {
    const codes = Object.values(shards).flatMap((s) => s.ballots.map((b) => [s.district, b]));
    assert.equal(codes.length, 4);
    for (const [district, b] of codes) assert.equal(b.tracking_code, expected('tracking_code', district, b.index));
    const challenged = JSON.parse(readFileSync(join(recordDir, 'challenged-ballots.json'), 'utf8')).challenged_ballots[0];
    assert.equal(v.printedCode(v.hexToBytes(challenged.tracking_code_hex)), challenged.tracking_code);
    assert.equal(v.normaliseCode(challenged.tracking_code.toLowerCase().replaceAll('-', ' ')), challenged.tracking_code_hex.slice(0, 40));
    assert.equal(v.normaliseCode('not a code'), null);
    assert.equal(v.normaliseCode('BS5O-HYGZ-PKUM-BGVE-PN7U-5OHP-TFUR-64Z1'), null);
});

test('every inclusion proof of every size verifies, and a proof of the wrong length does not', async () => {
    const leaves = await Promise.all(frames('districts/d1/records.bin').map(v.leafHash));
    for (let size = 1; size <= leaves.length; ++size) {
        const root = await mth(leaves.slice(0, size));
        for (let i = 0; i < size; ++i) {
            const p = await path(i, leaves.slice(0, size));
            await v.verifyInclusion(leaves[i], i, size, p, root);
            if (size > 1) await assert.rejects(v.verifyInclusion(leaves[i], i, size, p.slice(1), root));
            await assert.rejects(v.verifyInclusion(leaves[i], i, size, [...p, root], root));
        }
    }
    await assert.rejects(v.verifyInclusion(leaves[0], 3, 3, [], leaves[0]), /not below/);
});

test('a valid cast ballot verifies W2-W6', async () => {
    const entry = v.findEntry(d1(), shards.d1, cast().tracking_code.slice(0, 40));
    const result = await v.verifyBallot(site, d1(), shards.d1, entry, cast().tracking_code.slice(0, 40));
    assert.equal(result.state, 'cast');
    assert.equal(result.trackingCode, expected('tracking_code', 'd1', 2));
    assert.equal(result.index, 2);
    assert.equal(result.districtCheckpoint.size, 10);
    assert.equal(result.districtCheckpoint.root, logOf('d1').root);
    assert.equal(result.electionCheckpoint.root, logOf('/election').root);
});

test('the challenged ballot verifies and shows what it opened to', async () => {
    const entry = shards.d1.ballots.find((b) => b.index === 3);
    const result = await v.verifyBallot(site, d1(), shards.d1, entry, entry.tracking_code);
    assert.equal(result.state, 'challenged');
    assert.deepEqual(result.opened, [{contest: 'mayor', selections: ['grace']}, {contest: 'measure-a', selections: ['no']}]);
});

test('an unknown code is not found; a shard for another prefix or district is refused', () => {
    assert.equal(v.findEntry(d1(), shards.d1, '00'.repeat(20)), null);
    assert.throws(() => v.findEntry(d1(), shards.d2, '00'), (e) => e.check === 'W1');
    const sharded = {...d1(), shard_prefix_digits: 2};
    assert.throws(() => v.findEntry(sharded, {...shards.d1, prefix: '0c'}, 'ab12'), /prefix/);
    assert.equal(v.shardName(sharded, 'ab12'), 'data/districts/d1/ab.json');
    // Two entries with the code typed: refused rather than one picked.
    const twice = {...shards.d1, ballots: [cast(), cast()]};
    assert.throws(() => v.findEntry(d1(), twice, cast().tracking_code.slice(0, 40)), /more than one/);
});

function flipByte(base64, at) {
    const bytes = v.base64ToBytes(base64);
    bytes[at < 0 ? bytes.length + at : at] ^= 1;
    return v.bytesToBase64(bytes);
}

test('W2: a tampered ballot record fails (body, signature, election, district)', async () => {
    const code = cast().tracking_code;
    // A byte of the ciphertexts: the tracking code no longer follows from the record.
    await rejects(v.verifyBallot(site, d1(), shards.d1, {...cast(), record: flipByte(cast().record, 300)}, code), 'W2');
    // Another election's site (base hash).
    await rejects(v.verifyBallot({...site, base_hash: '00'.repeat(32)}, d1(), shards.d1, cast(), code), 'W2', /another election/);
    // The ballot presented as another district's.
    const d2 = site.districts[1];
    await rejects(v.verifyBallot(site, d2, shards.d2, cast(), code), 'W2', /district 'd1'/);
    // A shard entry whose code is not the record's.
    await rejects(v.verifyBallot(site, d1(), shards.d1, {...cast(), tracking_code: '11'.repeat(32)}, '11'), 'W2', /tracking code/);
    // Truncated record.
    await rejects(v.verifyBallot(site, d1(), shards.d1, {...cast(), record: v.bytesToBase64(v.base64ToBytes(cast().record).slice(0, 100))}, code), 'W2', /truncated/);
});

test('W4: a tampered signature byte or proof fails the inclusion', async () => {
    const code = cast().tracking_code;
    // The device signature is outside the body: the code still follows, the leaf does not.
    await rejects(v.verifyBallot(site, d1(), shards.d1, {...cast(), record: flipByte(cast().record, -1)}, code), 'W4', /root/);
    const proof = clone(cast().inclusion);
    proof[0] = proof[0].replace(/^./, (c) => (c === '0' ? '1' : '0'));
    await rejects(v.verifyBallot(site, d1(), shards.d1, {...cast(), inclusion: proof}, code), 'W4', /root/);
    await rejects(v.verifyBallot(site, d1(), shards.d1, {...cast(), index: 4}, code), 'W4');
    await rejects(v.verifyBallot(site, d1(), shards.d1, {...cast(), inclusion: null}, code), 'W4', /not yet/);
});

test('W3: a tampered or wrongly signed district checkpoint fails', async () => {
    const code = cast().tracking_code;
    const withCheckpoint = (note) => ({...d1(), checkpoint: {...d1().checkpoint, signed_checkpoint: note}});
    const note = d1().checkpoint.signed_checkpoint;
    // Size changed: the signature no longer verifies.
    await rejects(v.verifyBallot(site, withCheckpoint(note.replace('\n10\n', '\n11\n')), shards.d1, cast(), code), 'W3', /does not verify/);
    // Signed by another log's key (d2's note) under d1's name.
    const d2note = site.districts[1].checkpoint.signed_checkpoint;
    await rejects(v.verifyBallot(site, withCheckpoint(d2note.replaceAll('district/d2', 'district/d1')), shards.d1, cast(), code), 'W3');
    // A published key that is not the district's.
    await rejects(v.verifyBallot(site, {...d1(), verifier_key: site.districts[1].verifier_key}, shards.d1, cast(), code), 'W3', /named/);
    // Only a cosignature by someone else.
    const [body] = note.split('\u2014');
    await rejects(v.verifyBallot(site, withCheckpoint(body + `\u2014 witness ${v.bytesToBase64(new Uint8Array(68))}\n`), shards.d1, cast(), code), 'W3', /no signature/);
    // A malformed note (a comment line after the signatures).
    await rejects(v.verifyBallot(site, withCheckpoint(note + 'comment\n'), shards.d1, cast(), code), 'W3', /not a signature line/);
    // A key whose id does not match its name and key.
    await rejects(v.verifyBallot(site, {...d1(), verifier_key: d1().verifier_key.replace('+125eeb79+', '+125eeb78+')}, shards.d1, cast(), code), 'W3', /key id/);
});

// A note signed by a fresh key (WebCrypto) under `name`, and that key's verifier-key text.
async function signNote(name, text) {
    const pair = await crypto.subtle.generateKey({name: 'Ed25519'}, true, ['sign', 'verify']);
    const pub = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    const keyBytes = concat([1], pub);
    const id = (await sha(concat(new TextEncoder().encode(name), [0x0a], keyBytes))).slice(0, 4);
    const signature = new Uint8Array(await crypto.subtle.sign({name: 'Ed25519'}, pair.privateKey, new TextEncoder().encode(text)));
    return {
        note: `${text}\n\u2014 ${name} ${v.bytesToBase64(concat(id, signature))}\n`,
        key: `${name}+${v.bytesToHex(id)}+${v.bytesToBase64(keyBytes)}`,
    };
}

test("W3, W5: a checkpoint validly signed by the named key but for another origin fails", async () => {
    const code = cast().tracking_code;
    const root = v.bytesToBase64(v.hexToBytes(logOf('d1').root));
    const own = await signNote('tiny-record-2026/district/d1', `tiny-record-2026/district/d1\n10\n${root}\n`);
    const ok = {...d1(), verifier_key: own.key, checkpoint: {...d1().checkpoint, signed_checkpoint: own.note}};
    // The same key and root under the right origin pass W3 and W4 (then W6: the leaf carries the real note).
    await rejects(v.verifyBallot(site, ok, shards.d1, cast(), code), 'W6', /does not carry/);
    const other = await signNote('tiny-record-2026/district/d1', `tiny-record-2026/district/d2\n10\n${root}\n`);
    await rejects(v.verifyBallot(site, {...ok, verifier_key: other.key, checkpoint: {...ok.checkpoint, signed_checkpoint: other.note}}, shards.d1, cast(), code), 'W3', /origin/);
    const election = await signNote('tiny-record-2026/election', `tiny-record-2026/events\n10\n${root}\n`);
    await rejects(v.verifyBallot({...site, election_log: {verifier_key: election.key, signed_checkpoint: election.note}}, d1(), shards.d1, cast(), code), 'W5', /origin/);
});

test("W6: an election-log leaf naming another district, though carrying this checkpoint, fails", async () => {
    const code = cast().tracking_code;
    const u32 = (n) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    const text = (t) => {
        const b = new TextEncoder().encode(t);
        return concat(u32(b.length), b);
    };
    const note = d1().checkpoint.signed_checkpoint;
    const check = async (districtId) => {
        // A one-leaf election log holding the 0x0C record, signed by a fresh election key.
        const leaf = concat([0x0c, 1], text(districtId), text(note));
        const root = v.bytesToBase64(await v.leafHash(leaf));
        const election = await signNote('tiny-record-2026/election', `tiny-record-2026/election\n1\n${root}\n`);
        const forged = {...site, election_log: {verifier_key: election.key, signed_checkpoint: election.note}};
        const district = {...d1(), checkpoint: {...d1().checkpoint, election_leaf: v.bytesToBase64(leaf), election_leaf_index: 0, election_inclusion: []}};
        return v.verifyBallot(forged, district, shards.d1, cast(), code);
    };
    assert.equal((await check('d1')).electionLeafIndex, 0);
    await rejects(check('d2'), 'W6', /does not carry/);
});

test('W5: a tampered election checkpoint fails', async () => {
    const code = cast().tracking_code;
    const note = site.election_log.signed_checkpoint;
    const tampered = {...site, election_log: {...site.election_log, signed_checkpoint: note.replace('\n10\n', '\n9\n')}};
    await rejects(v.verifyBallot(tampered, d1(), shards.d1, cast(), code), 'W5', /does not verify/);
    const wrongKey = {...site, election_log: {...site.election_log, verifier_key: logOf('/events').verifier_key}};
    await rejects(v.verifyBallot(wrongKey, d1(), shards.d1, cast(), code), 'W5', /named/);
});

test("W6: a district checkpoint not in the election log's tree fails", async () => {
    const code = cast().tracking_code;
    const at = (changes) => ({...d1(), checkpoint: {...d1().checkpoint, ...changes}});
    await rejects(v.verifyBallot(site, at({election_leaf_index: 9}), shards.d1, cast(), code), 'W6', /root/);
    const proof = clone(d1().checkpoint.election_inclusion);
    proof.reverse();
    await rejects(v.verifyBallot(site, at({election_inclusion: proof}), shards.d1, cast(), code), 'W6', /root/);
    // The leaf of another district (d2's), presented for d1.
    await rejects(v.verifyBallot(site, at({election_leaf: site.districts[1].checkpoint.election_leaf}), shards.d1, cast(), code), 'W6', /does not carry/);
});

test('base64, hex and checkpoint parsing refuse what is not canonical', () => {
    assert.throws(() => v.base64ToBytes('QQ'), /canonical/);
    assert.throws(() => v.base64ToBytes('QR=='), /canonical/);
    assert.throws(() => v.hexToBytes('ABCD'), /hex/);
    assert.throws(() => v.parseCheckpoint('origin\n01\nAAAA\n'), /size/);
    assert.throws(() => v.parseCheckpoint('origin\n1\n\n'), /lines/);
    assert.throws(() => v.splitNote('a\n1\nAAAA\n'), /blank line/);
});
