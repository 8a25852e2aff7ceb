#!/usr/bin/env node
// Self-test of the bridge's on-chain contract and of the test peers themselves (ctest:
// bridge_peers_selftest). It
//  1. checks the JS RFC 9162 tree (peer-util.js) against the RFC 6962 reference vectors of
//     Certificate Transparency (google/certificate-transparency python/ct/crypto/merkle_test.py;
//     the same roots and inclusion paths are in transparency-dev/merkle's proof tests);
//  2. starts a Hardhat node on a free port (or uses --rpc URL), deploys ElectionAnchor from the
//     committed bridge/contracts/ElectionAnchor.json, anchors the roots of trees of 1..9 leaves and
//     checks verifyInclusion for every (index, size): true for the RFC proof, false for a flipped
//     byte in any proof hash or the leaf hash, a wrong index, a wrong or unanchored size, an
//     extended or truncated proof; then that a non-bridge sender, a conflicting root and a zero
//     root are refused and that re-anchoring the same root is a no-op;
//  3. runs check-evm-anchor.js, count-anchors.js and check-bitcoin-tx.js on good and bad inputs
//     (the Bitcoin transaction is a P2WPKH spend with an OP_RETURN built with bitcoinjs-lib's Psbt).
//
//   node selftest.js [--rpc URL]        (PSEPHOS_SELFTEST_VERBOSE=1 prints every peer verdict)
// Exit 0 only if every check passes; each failure is printed with its details.
"use strict";

const { execFile } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const util = require("./peer-util");

const { ethers } = util.loadPeerModule("ethers");

// The standard Hardhat development accounts 0 and 1 ("test test ... junk").
const BRIDGE_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const INTRUDER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

const CT_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                   "606162636465666768696a6b6c6d6e6f"];
const CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const CT_PATH_0_OF_8 = [
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
];
const CT_PATH_5_OF_8 = [
    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
];

let passed = 0;
const failures = [];
function check(name, ok, detail = "") {
    if (ok) passed += 1;
    else {
        failures.push(name);
        console.log(`FAIL ${name}${detail ? `: ${detail}` : ""}`);
    }
}

const hex = (buf) => `0x${Buffer.from(buf).toString("hex")}`;
const flip = (h) => {
    const b = Buffer.from(h.slice(2), "hex");
    b[b.length - 1] ^= 0x80;
    return hex(b);
};

// The custom error a failed transaction or call reverted with ("NotBridge", ...), or a description.
function revertName(iface, e) {
    const data = e && (e.data || (e.info && e.info.error && e.info.error.data));
    if (typeof data === "string") {
        try {
            return iface.parseError(data).name;
        } catch {
            // fall through
        }
    }
    return e && e.revert ? e.revert.name : `no revert data (${e && (e.shortMessage || e.message)})`;
}

async function expectRevert(iface, name, errorName, promise) {
    try {
        const tx = await promise;
        await tx.wait();
        check(name, false, `succeeded, expected revert ${errorName}`);
    } catch (e) {
        const got = revertName(iface, e);
        check(name, got === errorName, `reverted with ${got}, expected ${errorName}`);
    }
}

// Runs a peer script; resolves {code, verdict, raw}.
function runPeer(script, args) {
    return new Promise((resolve) => {
        execFile(process.execPath, [path.join(__dirname, script), ...args], { timeout: 60000 },
            (error, stdout, stderr) => {
                const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
                let verdict = null;
                try {
                    verdict = JSON.parse(stdout.trim().split("\n").pop());
                } catch {
                    // left null: reported below
                }
                resolve({ code, verdict, raw: `${stdout}${stderr}`.trim() });
            });
    });
}

async function expectPeer(name, wantOk, script, args) {
    const r = await runPeer(script, args);
    const ok = wantOk ? r.code === 0 && r.verdict && r.verdict.ok === true
                      : r.code !== 0 && r.verdict && r.verdict.ok === false && typeof r.verdict.error === "string";
    check(name, ok, `exit ${r.code}, output: ${r.raw}`);
    if (process.env.PSEPHOS_SELFTEST_VERBOSE) console.log(`${name}: exit ${r.code}: ${r.raw}`);
    return r;
}

function checkKnownAnswers() {
    const leaves = CT_LEAVES.map((h) => util.leafHash(Buffer.from(h, "hex")));
    for (let n = 1; n <= 8; ++n) {
        const root = util.treeRoot(leaves.slice(0, n)).toString("hex");
        check(`rfc6962 root of ${n} leaves`, root === CT_ROOTS[n - 1], root);
    }
    const p0 = util.inclusionPath(0, leaves).map((b) => b.toString("hex"));
    const p5 = util.inclusionPath(5, leaves).map((b) => b.toString("hex"));
    check("rfc6962 path 0 of 8", JSON.stringify(p0) === JSON.stringify(CT_PATH_0_OF_8), p0.join(","));
    check("rfc6962 path 5 of 8", JSON.stringify(p5) === JSON.stringify(CT_PATH_5_OF_8), p5.join(","));
    return leaves;
}

async function checkContract(provider, artifact, ctLeaves) {
    const iface = new ethers.Interface(artifact.abi);
    const bridge = new ethers.Wallet(BRIDGE_KEY, provider);
    const bridgeAddress = await bridge.getAddress();
    const intruder = new ethers.Wallet(INTRUDER_KEY, provider);
    const factory = new ethers.ContractFactory(artifact.abi, artifact.bytecode, bridge);

    await expectRevert(iface, "deploy refuses a zero bridge address", "ZeroBridgeAddress",
                       factory.deploy(ethers.ZeroAddress).then((c) => c.deploymentTransaction()));
    const contract = await (await factory.deploy(bridgeAddress)).waitForDeployment();
    const address = (await contract.getAddress()).toLowerCase();
    const code = await provider.getCode(address);
    check("deployed code has the artifact's length", code.length === artifact.deployedBytecode.length,
          `${code.length} vs ${artifact.deployedBytecode.length}`);
    check("bridge() is the deployer's bridge address", (await contract.bridge()) === bridgeAddress);

    // Trees of 1..9 leaves: the CT leaves plus one more, all anchored for one election.
    const leaves = [...ctLeaves, util.leafHash(Buffer.from("70717273", "hex"))];
    const electionId = hex(util.sha256(Buffer.from("psephos selftest election")));
    const otherElection = hex(util.sha256(Buffer.from("psephos selftest unanchored election")));
    const roots = {};
    const anchorTxs = {};
    for (let n = 1; n <= 9; ++n) {
        roots[n] = hex(util.treeRoot(leaves.slice(0, n)));
        const tx = await contract.anchor(electionId, n, roots[n]);
        const receipt = await tx.wait();
        anchorTxs[n] = tx;
        const events = receipt.logs.map((l) => iface.parseLog(l)).filter((l) => l && l.name === "Anchored");
        check(`anchor size ${n} emits Anchored`, events.length === 1 && events[0].args[0] === electionId &&
              events[0].args[1] === BigInt(n) && events[0].args[2] === roots[n]);
        check(`rootOf size ${n}`, (await contract.rootOf(electionId, n)) === roots[n]);
    }
    check("latestSize is 9", (await contract.latestSize(electionId)) === 9n);
    check("rootOf an unanchored size is zero", (await contract.rootOf(electionId, 10)) === ethers.ZeroHash);

    // verifyInclusion over every (index, size), compared with the JS RFC 9162 verifier.
    const cases = [];
    const add = (name, expect, e, leaf, index, size, proof) => cases.push({ name, expect, args: [e, leaf, index, size, proof] });
    for (let n = 1; n <= 9; ++n) {
        const tree = leaves.slice(0, n);
        for (let i = 0; i < n; ++i) {
            const leaf = hex(tree[i]);
            const proof = util.inclusionPath(i, tree).map(hex);
            const tag = `index ${i} of ${n}`;
            check(`js verifies ${tag}`, util.verifyInclusion(tree[i], i, n, util.inclusionPath(i, tree), util.treeRoot(tree)));
            add(`${tag}: valid proof`, true, electionId, leaf, i, n, proof);
            add(`${tag}: flipped leaf hash`, false, electionId, flip(leaf), i, n, proof);
            proof.forEach((_, k) => add(`${tag}: flipped proof hash ${k}`, false, electionId, leaf, i, n,
                                        proof.map((p, j) => (j === k ? flip(p) : p))));
            if (n > 1) add(`${tag}: wrong index`, false, electionId, leaf, (i + 1) % n, n, proof);
            add(`${tag}: index = size`, false, electionId, leaf, n, n, proof);
            if (n < 9) add(`${tag}: wrong (anchored) size`, false, electionId, leaf, i, n + 1, proof);
            add(`${tag}: unanchored size`, false, electionId, leaf, i, 10, proof);
            add(`${tag}: unanchored election`, false, otherElection, leaf, i, n, proof);
            add(`${tag}: extra proof hash`, false, electionId, leaf, i, n, [...proof, hex(tree[0])]);
            if (proof.length > 0) add(`${tag}: truncated proof`, false, electionId, leaf, i, n, proof.slice(0, -1));
        }
    }
    // The sn == 0 checks of RFC 9162 §2.1.3.2 (steps 4a and 5), which no proof of a real leaf
    // reaches: (a) an interior node offered as a leaf with a proof that stops below the root;
    // (b) a proof that goes on past the root, for a tree whose third "leaf hash" was crafted as
    // the node hash H(a, b), so the path [a, H(l0, l1)] from b lands exactly on the root.
    const interior = util.nodeHash(leaves[0], leaves[1]);
    add("interior node as leaf, proof stops below the root (step 5 sn != 0)", false, electionId, hex(interior), 0, 4,
        [hex(util.nodeHash(leaves[2], leaves[3]))]);
    const [a, b] = [util.sha256(Buffer.from("a")), util.sha256(Buffer.from("b"))];
    const crafted = [leaves[0], leaves[1], util.nodeHash(a, b)];
    const craftedElection = hex(util.sha256(Buffer.from("psephos selftest crafted election")));
    await (await contract.anchor(craftedElection, 3, hex(util.treeRoot(crafted)))).wait();
    const pastRoot = [a, interior];
    check("js rejects a proof that goes past the root", !util.verifyInclusion(b, 2, 3, pastRoot, util.treeRoot(crafted)));
    add("proof goes on past the root (step 4a sn == 0)", false, craftedElection, hex(b), 2, 3, pastRoot.map(hex));
    add("crafted tree: its real proof", true, craftedElection, hex(crafted[2]), 2, 3, util.inclusionPath(2, crafted).map(hex));
    add("size above uint64", false, electionId, hex(leaves[0]), 0, 2n ** 64n + 1n, []);
    add("size 0", false, electionId, hex(leaves[0]), 0, 0, []);
    const results = await Promise.all(cases.map((c) => contract.verifyInclusion(...c.args)));
    cases.forEach((c, k) => check(`verifyInclusion ${c.name}`, results[k] === c.expect, `returned ${results[k]}`));

    // Refusals.
    await expectRevert(iface, "a non-bridge sender is refused", "NotBridge",
                       contract.connect(intruder).anchor(electionId, 20, roots[9]));
    await expectRevert(iface, "a conflicting root for an anchored size is refused", "RootConflict",
                       contract.anchor(electionId, 3, roots[4]));
    await expectRevert(iface, "a zero root is refused", "ZeroRoot", contract.anchor(electionId, 20, ethers.ZeroHash));
    const again = await (await contract.anchor(electionId, 3, roots[3])).wait();
    check("re-anchoring the same root succeeds without an event", again.status === 1 && again.logs.length === 0);
    check("the conflicting root did not replace the anchored one", (await contract.rootOf(electionId, 3)) === roots[3]);
    return { contract, address, bridge, bridgeAddress, electionId, leaves, roots, anchorTxs };
}

async function checkEvmPeers(rpc, provider, s) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "psephos-peers-"));
    const tree = s.leaves.slice(0, 8);
    const bundle = path.join(tmp, "bundle.json");
    fs.writeFileSync(bundle, JSON.stringify({ election_id: s.electionId, leaf_hash: hex(tree[5]), index: 5, tree_size: 8,
                                              proof: util.inclusionPath(5, tree).map(hex) }));
    const badBundle = path.join(tmp, "bad-bundle.json");
    fs.writeFileSync(badBundle, JSON.stringify({ election_id: s.electionId, leaf_hash: hex(tree[5]), index: 4, tree_size: 8,
                                                 proof: util.inclusionPath(5, tree).map(hex) }));
    const tx8 = s.anchorTxs[8];
    const packed = ethers.solidityPacked(["bytes32", "uint64", "bytes32"], [s.electionId, 8, s.roots[8]]);
    const psephosPayload = ethers.concat([ethers.toUtf8Bytes("PSPH"), "0x01", packed]);
    const psephosPayload7 = ethers.concat([ethers.toUtf8Bytes("PSPH"), "0x01",
        ethers.solidityPacked(["bytes32", "uint64", "bytes32"], [s.electionId, 7, s.roots[8]])]);
    const contractArgs = ["--rpc", rpc, "--tx", tx8.hash, "--sender", s.bridgeAddress, "--contract", s.address];
    const fields = ["--election-id", s.electionId, "--log-size", "8", "--root", s.roots[8]];

    // A calldata anchor: a zero-value transaction to the bridge's own address carrying the payload.
    const payload = hex(Buffer.concat([Buffer.from("PSEPHOS1"), util.sha256(Buffer.from("calldata anchor"))]));
    const selfTx = await s.bridge.sendTransaction({ to: s.bridgeAddress, value: 0, data: payload });
    await selfTx.wait();

    await Promise.all([
        expectPeer("check-evm-anchor accepts the contract anchor with its bundle", true, "check-evm-anchor.js",
                   [...contractArgs, "--payload", tx8.data, ...fields, "--bundle", bundle]),
        expectPeer("check-evm-anchor accepts a packed-fields payload", true, "check-evm-anchor.js",
                   [...contractArgs, "--payload", packed]),
        expectPeer("check-evm-anchor accepts the Psephos payload (PSPH 01 ...)", true, "check-evm-anchor.js",
                   [...contractArgs, "--payload", psephosPayload, ...fields]),
        expectPeer("check-evm-anchor rejects a Psephos payload of another size", false, "check-evm-anchor.js",
                   [...contractArgs, "--payload", psephosPayload7]),
        expectPeer("check-evm-anchor rejects a wrong sender", false, "check-evm-anchor.js",
                   ["--rpc", rpc, "--tx", tx8.hash, "--sender", ethers.ZeroAddress, "--payload", tx8.data, "--contract", s.address]),
        expectPeer("check-evm-anchor rejects a wrong root", false, "check-evm-anchor.js",
                   [...contractArgs, "--payload", tx8.data, "--election-id", s.electionId, "--log-size", "8", "--root", s.roots[7]]),
        expectPeer("check-evm-anchor rejects a bundle whose proof does not verify", false, "check-evm-anchor.js",
                   [...contractArgs, "--payload", tx8.data, "--bundle", badBundle]),
        expectPeer("check-evm-anchor accepts the calldata anchor", true, "check-evm-anchor.js",
                   ["--rpc", rpc, "--tx", selfTx.hash, "--sender", s.bridgeAddress, "--payload", payload]),
        expectPeer("check-evm-anchor rejects a calldata anchor with another payload", false, "check-evm-anchor.js",
                   ["--rpc", rpc, "--tx", selfTx.hash, "--sender", s.bridgeAddress, "--payload", flip(payload)]),
        expectPeer("check-evm-anchor fails clearly for an unreachable node", false, "check-evm-anchor.js",
                   ["--rpc", `http://127.0.0.1:${await require("./start-node").freePort()}`, "--tx", selfTx.hash, "--sender", s.bridgeAddress, "--payload", payload]),
        runPeer("count-anchors.js", ["--rpc", rpc, "--contract", s.address, "--election-id", s.electionId,
                                     "--sender", s.bridgeAddress, "--payload", payload]).then((r) => {
            const v = r.verdict || {};
            check("count-anchors counts 9 Anchored events and 1 calldata anchor",
                  r.code === 0 && v.anchoredEvents === 9 && v.calldataAnchors === 1 && v.calldataAnchorsSucceeded === 1,
                  `exit ${r.code}, output: ${r.raw}`);
        }),
    ]);
    fs.rmSync(tmp, { recursive: true, force: true });
}

async function checkBitcoinPeer() {
    const bitcoin = util.loadPeerModule("bitcoinjs-lib");
    const ecc = util.loadPeerModule("tiny-secp256k1");
    const { ECPairFactory } = util.loadPeerModule("ecpair");
    const ECPair = ECPairFactory(ecc);
    const network = bitcoin.networks.regtest;
    const key = ECPair.fromPrivateKey(util.sha256(Buffer.from("psephos selftest bitcoin key")), { network });
    const other = ECPair.fromPrivateKey(util.sha256(Buffer.from("psephos selftest other key")), { network });
    const prevout = bitcoin.payments.p2wpkh({ pubkey: key.publicKey, network }).output;
    const amount = 100000n;
    const payload = Buffer.concat([Buffer.from("PSEPHOS1"), util.sha256(Buffer.from("bitcoin anchor"))]);

    const psbt = new bitcoin.Psbt({ network });
    psbt.setVersion(2);
    psbt.addInput({ hash: util.sha256(Buffer.from("funding tx")), index: 1, sequence: 0xfffffffd,
                    witnessUtxo: { script: prevout, value: amount } });
    psbt.addOutput({ script: bitcoin.payments.embed({ data: [payload] }).output, value: 0n });
    psbt.addOutput({ script: prevout, value: amount - 1000n });
    psbt.signInput(0, key);
    psbt.finalizeAllInputs();
    const txHex = psbt.extractTransaction().toHex();

    const args = (h, p, script, sats) => ["--hex", h, "--payload", hex(p), "--prevout-script", hex(script), "--amount", String(sats)];
    // The same transaction with one byte of the OP_RETURN data changed after signing.
    const tampered = txHex.replace(payload.toString("hex"), Buffer.from(payload).fill(0x41, 0, 1).toString("hex"));
    const tamperedPayload = Buffer.from(payload).fill(0x41, 0, 1);
    // A high-S twin of the valid signature: s' = n - s, valid but non-standard (BIP 62 low-S rule).
    const highS = bitcoin.Transaction.fromHex(txHex);
    const sig = bitcoin.script.signature.decode(highS.ins[0].witness[0]);
    const order = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(hex(sig.signature.slice(32)));
    const twin = Buffer.concat([Buffer.from(sig.signature.slice(0, 32)), Buffer.from((order - s).toString(16).padStart(64, "0"), "hex")]);
    highS.ins[0].witness[0] = bitcoin.script.signature.encode(twin, sig.hashType);
    await Promise.all([
        expectPeer("check-bitcoin-tx rejects a high-S signature", false, "check-bitcoin-tx.js",
                   args(highS.toHex(), payload, prevout, amount)),
        expectPeer("check-bitcoin-tx accepts a signed P2WPKH OP_RETURN transaction", true, "check-bitcoin-tx.js",
                   args(txHex, payload, prevout, amount)),
        expectPeer("check-bitcoin-tx rejects another payload", false, "check-bitcoin-tx.js",
                   args(txHex, tamperedPayload, prevout, amount)),
        expectPeer("check-bitcoin-tx rejects a wrong amount", false, "check-bitcoin-tx.js",
                   args(txHex, payload, prevout, amount + 1n)),
        expectPeer("check-bitcoin-tx rejects another key's prevout script", false, "check-bitcoin-tx.js",
                   args(txHex, payload, bitcoin.payments.p2wpkh({ pubkey: other.publicKey, network }).output, amount)),
        expectPeer("check-bitcoin-tx rejects OP_RETURN data changed after signing", false, "check-bitcoin-tx.js",
                   args(tampered, tamperedPayload, prevout, amount)),
        expectPeer("check-bitcoin-tx rejects garbage", false, "check-bitcoin-tx.js",
                   args("0200deadbeef", payload, prevout, amount)),
    ]);
}

async function main() {
    const started = Date.now();
    const argv = process.argv.slice(2);
    let rpc;
    if (argv.length === 2 && argv[0] === "--rpc") rpc = argv[1];
    else if (argv.length !== 0) util.fail("usage: selftest.js [--rpc URL]", 2);

    const ctLeaves = checkKnownAnswers();
    const bitcoinChecks = checkBitcoinPeer(); // independent of the node: runs while it starts
    let node = null;
    if (rpc === undefined) {
        node = await require("./start-node").startNode();
        rpc = node.url;
    }
    const watchdog = setTimeout(() => {
        console.log("FAIL selftest did not finish within 120 s");
        if (node) node.stop();
        process.exit(1);
    }, 120000);
    try {
        const provider = await util.connect(rpc);
        const artifact = util.loadArtifact();
        const state = await checkContract(provider, artifact, ctLeaves);
        await checkEvmPeers(rpc, provider, state);
        await bitcoinChecks;
        provider.destroy();
    } finally {
        clearTimeout(watchdog);
        if (node) node.stop();
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(JSON.stringify({ ok: failures.length === 0, passed, failed: failures.length, seconds }));
    process.exit(failures.length === 0 ? 0 : 1);
}

main().catch((e) => {
    console.log(`FAIL selftest aborted: ${e.stack || e}`);
    console.log(JSON.stringify({ ok: false, passed, failed: failures.length + 1 }));
    process.exit(1);
});
