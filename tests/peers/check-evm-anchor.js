#!/usr/bin/env node
// Independent check (ethers v6) of an EVM anchor transaction the C++ bridge sent:
//  - the transaction is mined with receipt status 1 (waits up to 30 s) and was sent by --sender;
//  - its input data carries --payload, in one of two forms:
//      calldata anchor (no --contract): to == sender, value 0, input data == payload;
//      contract anchor (--contract):    to == contract, value 0, input data is
//        anchor(electionId, logSize, root) and the payload is the Psephos anchor payload of those
//        fields, "PSPH" ‖ 0x01 ‖ electionId ‖ u64be logSize ‖ root (77 bytes, docs/bridge.md §1),
//        or that whole input data, or the fields alone (72 bytes packed, or 96 abi.encode'd);
//  - with --contract: the call's fields equal --election-id/--log-size/--root when given, and
//    rootOf(electionId, logSize) returns that root;
//  - with --bundle FILE ({"election_id","leaf_hash","index","tree_size","proof":[...]}):
//    verifyInclusion is true, and false once one byte of any proof hash or of the leaf hash flips.
//
//   node check-evm-anchor.js --rpc URL --tx HASH --sender 0xADDR --payload HEX
//        [--contract 0xADDR --election-id 0x.. --log-size N --root 0x..] [--bundle FILE]
// Prints one JSON line; exit 0 only if every check passes.
"use strict";

const fs = require("fs");
const { fail, succeed, runMain, parseArgs, normalizeHex, loadPeerModule, connect, loadArtifact } = require("./peer-util");

const USAGE = "check-evm-anchor.js --rpc URL --tx HASH --sender 0xADDR --payload HEX " +
              "[--contract 0xADDR --election-id 0x.. --log-size N --root 0x..] [--bundle FILE]";

// A copy of a 0x-hex value with one byte (the first) flipped.
function flipByte(hex) {
    const b = Buffer.from(hex.slice(2), "hex");
    b[0] ^= 0x01;
    return `0x${b.toString("hex")}`;
}

async function main() {
    const args = parseArgs(process.argv.slice(2),
        ["rpc", "tx", "sender", "payload", "contract", "election-id", "log-size", "root", "bundle"],
        ["rpc", "tx", "sender", "payload"], USAGE);
    const { ethers } = loadPeerModule("ethers");
    const txHash = normalizeHex(args.tx, "--tx", 32);
    const sender = normalizeHex(args.sender, "--sender", 20);
    const payload = normalizeHex(args.payload, "--payload");
    const contractAddress = args.contract !== undefined ? normalizeHex(args.contract, "--contract", 20) : undefined;
    if (contractAddress === undefined) {
        for (const name of ["election-id", "log-size", "root", "bundle"]) {
            if (args[name] !== undefined) fail(`--${name} needs --contract`, 2);
        }
    }

    const provider = await connect(args.rpc);
    const tx = await provider.getTransaction(txHash);
    if (tx === null) fail(`transaction ${txHash} is not known to ${args.rpc}`);
    const receipt = await provider.waitForTransaction(txHash, 1, 30000);
    if (receipt === null) fail(`transaction ${txHash} was not mined within 30 s`);
    if (receipt.status !== 1) fail(`transaction ${txHash} reverted (receipt status ${receipt.status})`);
    if (tx.from.toLowerCase() !== sender) fail(`transaction sender is ${tx.from}, expected ${sender}`);
    if (tx.value !== 0n) fail(`transaction carries value ${tx.value} wei, expected 0`);
    const data = tx.data.toLowerCase();
    const verdict = { tx: txHash, block: receipt.blockNumber, from: tx.from, gasUsed: receipt.gasUsed.toString() };

    if (contractAddress === undefined) {
        if (tx.to === null || tx.to.toLowerCase() !== sender) fail(`calldata anchor goes to ${tx.to}, expected the sender itself`);
        if (data !== payload) fail(`input data ${data} != payload ${payload}`);
        succeed({ ...verdict, form: "calldata" });
    }

    const artifact = loadArtifact();
    const iface = new ethers.Interface(artifact.abi);
    if (tx.to === null || tx.to.toLowerCase() !== contractAddress) fail(`transaction goes to ${tx.to}, expected contract ${contractAddress}`);
    let call;
    try {
        call = iface.decodeFunctionData("anchor", data);
    } catch (e) {
        fail(`input data is not an anchor(bytes32,uint64,bytes32) call: ${e.shortMessage || e.message}`);
    }
    const electionId = call[0].toLowerCase();
    const logSize = BigInt(call[1]);
    const root = call[2].toLowerCase();
    const packed = ethers.solidityPacked(["bytes32", "uint64", "bytes32"], [electionId, logSize, root]).toLowerCase();
    const abiEncoded = `0x${data.slice(10)}`;
    const psephosPayload = `0x${Buffer.from("PSPH\x01", "latin1").toString("hex")}${packed.slice(2)}`;
    let form;
    if (payload === psephosPayload) form = "psephos-payload";
    else if (payload === data) form = "abi-call";
    else if (payload === packed) form = "packed-fields";
    else if (payload === abiEncoded) form = "abi-fields";
    else fail(`payload ${payload} matches neither the input data ${data} nor its fields ${psephosPayload}`);
    if (args["election-id"] !== undefined && normalizeHex(args["election-id"], "--election-id", 32) !== electionId) {
        fail(`anchored election id ${electionId} != --election-id ${args["election-id"]}`);
    }
    if (args["log-size"] !== undefined && BigInt(args["log-size"]) !== logSize) {
        fail(`anchored log size ${logSize} != --log-size ${args["log-size"]}`);
    }
    if (args.root !== undefined && normalizeHex(args.root, "--root", 32) !== root) {
        fail(`anchored root ${root} != --root ${args.root}`);
    }

    const contract = new ethers.Contract(contractAddress, artifact.abi, provider);
    const stored = (await contract.rootOf(electionId, logSize)).toLowerCase();
    if (stored !== root) fail(`rootOf(${electionId}, ${logSize}) is ${stored}, expected ${root}`);
    const anchoredEvent = receipt.logs.some((log) => {
        if (log.address.toLowerCase() !== contractAddress) return false;
        const parsed = iface.parseLog(log);
        return parsed !== null && parsed.name === "Anchored" && parsed.args[0].toLowerCase() === electionId &&
               BigInt(parsed.args[1]) === logSize && parsed.args[2].toLowerCase() === root;
    });
    Object.assign(verdict, { form, contract: contractAddress, electionId, logSize: logSize.toString(), root, anchoredEvent });

    if (args.bundle !== undefined) {
        let bundle;
        try {
            bundle = JSON.parse(fs.readFileSync(args.bundle, "utf8"));
        } catch (e) {
            fail(`cannot read bundle ${args.bundle}: ${e.message}`);
        }
        for (const key of ["election_id", "leaf_hash", "index", "tree_size", "proof"]) {
            if (bundle[key] === undefined) fail(`bundle ${args.bundle}: missing "${key}"`);
        }
        if (!Array.isArray(bundle.proof)) fail(`bundle ${args.bundle}: "proof" is not an array`);
        const bundleElection = normalizeHex(bundle.election_id, "bundle election_id", 32);
        const leaf = normalizeHex(bundle.leaf_hash, "bundle leaf_hash", 32);
        const proof = bundle.proof.map((p, i) => normalizeHex(p, `bundle proof[${i}]`, 32));
        const index = BigInt(bundle.index);
        const size = BigInt(bundle.tree_size);
        const verify = (l, p) => contract.verifyInclusion(bundleElection, l, index, size, p);
        if (!(await verify(leaf, proof))) {
            fail(`verifyInclusion(${bundleElection}, leaf ${leaf}, index ${index}, size ${size}) is false for the bundle's proof`);
        }
        if (await verify(flipByte(leaf), proof)) fail("verifyInclusion accepts the proof for a leaf hash with one byte flipped");
        for (let i = 0; i < proof.length; ++i) {
            const tampered = proof.map((p, j) => (j === i ? flipByte(p) : p));
            if (await verify(leaf, tampered)) fail(`verifyInclusion accepts the proof with one byte of hash ${i} flipped`);
        }
        Object.assign(verdict, { bundle: args.bundle, inclusionVerified: true, tamperedRejected: proof.length + 1 });
    }
    succeed(verdict);
}

runMain(main);
