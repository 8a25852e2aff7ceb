// Shared helpers for the test-peer scripts in this folder: command-line parsing, the one-line JSON
// verdict, hex handling, an ethers provider that fails fast, and the RFC 9162 Merkle tree.
// Not a command; required by check-*.js, count-anchors.js and selftest.js.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ARTIFACT_PATH = path.resolve(__dirname, "..", "..", "bridge", "contracts", "ElectionAnchor.json");

// Prints {"ok":false,"error":...} and exits 1 (2 for usage errors).
function fail(message, code = 1) {
    console.log(JSON.stringify({ ok: false, error: message }));
    process.exit(code);
}

function succeed(fields) {
    console.log(JSON.stringify({ ok: true, ...fields }));
    process.exit(0);
}

// Runs an async main, turning any exception into a failing verdict.
function runMain(main) {
    main().catch((e) => fail(e && e.shortMessage ? e.shortMessage : String(e && e.message ? e.message : e)));
}

// "--name value" pairs into {name: value}; `known` lists the names allowed, `required` those needed.
function parseArgs(argv, known, required, usage) {
    const args = {};
    for (let i = 0; i < argv.length; ++i) {
        const a = argv[i];
        if (!a.startsWith("--") || !known.includes(a.slice(2))) fail(`unknown argument ${a}; usage: ${usage}`, 2);
        if (i + 1 >= argv.length) fail(`${a} needs a value; usage: ${usage}`, 2);
        args[a.slice(2)] = argv[++i];
    }
    for (const name of required) if (args[name] === undefined) fail(`--${name} is required; usage: ${usage}`, 2);
    return args;
}

// Lower-case 0x-prefixed hex of an even number of digits (accepts input with or without 0x).
function normalizeHex(text, what, bytes) {
    const body = String(text).replace(/^0x/i, "").toLowerCase();
    if (!/^([0-9a-f]{2})*$/.test(body)) fail(`${what}: not hex: ${text}`, 2);
    if (bytes !== undefined && body.length !== 2 * bytes) fail(`${what}: expected ${bytes} bytes, got ${body.length / 2}`, 2);
    return `0x${body}`;
}

function loadPeerModule(name) {
    try {
        return require(name);
    } catch (e) {
        fail(`cannot load ${name} (${e.message.split("\n")[0]}); run scripts/setup-peers`);
    }
}

// A JsonRpcProvider bound to the chain id the node reports, so ethers never loops on network
// detection; an unreachable node fails within `timeoutMs`.
async function connect(url, timeoutMs = 10000) {
    const { ethers } = loadPeerModule("ethers");
    let chainId;
    try {
        const res = await fetch(url, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
            signal: AbortSignal.timeout(timeoutMs),
        });
        chainId = (await res.json()).result;
    } catch (e) {
        fail(`no EVM node answers eth_chainId at ${url}: ${e.cause ? e.cause.message || e.cause.code : e.message}`);
    }
    if (typeof chainId !== "string") fail(`${url}: eth_chainId returned no result`);
    return new ethers.JsonRpcProvider(url, Number(chainId), { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 });
}

function loadArtifact() {
    try {
        return JSON.parse(fs.readFileSync(ARTIFACT_PATH, "utf8"));
    } catch (e) {
        fail(`cannot read ${ARTIFACT_PATH}: ${e.message}`);
    }
}

// RFC 9162 §2.1.1 Merkle tree hashes over leaf hashes (each already SHA-256(0x00 || leaf)).
const sha256 = (...parts) => crypto.createHash("sha256").update(Buffer.concat(parts)).digest();
const leafHash = (leaf) => sha256(Buffer.from([0x00]), leaf);
const nodeHash = (left, right) => sha256(Buffer.from([0x01]), left, right);

function largestPowerOfTwoBelow(n) {
    let k = 1;
    while (k * 2 < n) k *= 2;
    return k;
}

// MTH over a list of leaf hashes.
function treeRoot(hashes) {
    if (hashes.length === 0) return sha256(Buffer.alloc(0));
    if (hashes.length === 1) return hashes[0];
    const k = largestPowerOfTwoBelow(hashes.length);
    return nodeHash(treeRoot(hashes.slice(0, k)), treeRoot(hashes.slice(k)));
}

// RFC 9162 §2.1.3.1 PATH(m, D[n]) over leaf hashes.
function inclusionPath(m, hashes) {
    if (hashes.length <= 1) return [];
    const k = largestPowerOfTwoBelow(hashes.length);
    if (m < k) return [...inclusionPath(m, hashes.slice(0, k)), treeRoot(hashes.slice(k))];
    return [...inclusionPath(m - k, hashes.slice(k)), treeRoot(hashes.slice(0, k))];
}

// RFC 9162 §2.1.3.2, for cross-checking the contract.
function verifyInclusion(leaf, index, size, proof, root) {
    if (index >= size) return false;
    let fn = BigInt(index);
    let sn = BigInt(size) - 1n;
    let r = leaf;
    for (const p of proof) {
        if (sn === 0n) return false;
        if ((fn & 1n) === 1n || fn === sn) {
            r = nodeHash(p, r);
            while ((fn & 1n) === 0n && fn !== 0n) {
                fn >>= 1n;
                sn >>= 1n;
            }
        } else {
            r = nodeHash(r, p);
        }
        fn >>= 1n;
        sn >>= 1n;
    }
    return sn === 0n && r.equals(root);
}

module.exports = {
    ARTIFACT_PATH, fail, succeed, runMain, parseArgs, normalizeHex, loadPeerModule, connect, loadArtifact,
    sha256, leafHash, nodeHash, treeRoot, inclusionPath, verifyInclusion,
};
