#!/usr/bin/env node
// Counts anchors on an EVM node, for tests such as "exactly one anchor after a crash":
//  - contract anchors: Anchored events of --contract for --election-id (blocks 0..latest);
//  - calldata anchors: mined transactions from --sender whose input data equals --payload
//    (scans every block 0..latest; `calldataAnchorsSucceeded` counts those with receipt status 1).
//
//   node count-anchors.js --rpc URL --contract 0xADDR --election-id 0x..
//   node count-anchors.js --rpc URL --sender 0xADDR --payload HEX
// (both pairs may be given at once). Prints one JSON line, e.g.
//   {"ok":true,"latestBlock":12,"anchoredEvents":1}
// Exit 0 whenever counting worked, whatever the count; the caller compares it.
"use strict";

const { fail, succeed, runMain, parseArgs, normalizeHex, loadPeerModule, connect, loadArtifact } = require("./peer-util");

const USAGE = "count-anchors.js --rpc URL [--contract 0xADDR --election-id 0x..] [--sender 0xADDR --payload HEX]";

async function main() {
    const args = parseArgs(process.argv.slice(2), ["rpc", "contract", "election-id", "sender", "payload"], ["rpc"], USAGE);
    const byContract = args.contract !== undefined || args["election-id"] !== undefined;
    const byCalldata = args.sender !== undefined || args.payload !== undefined;
    if (!byContract && !byCalldata) fail(`nothing to count; usage: ${USAGE}`, 2);
    if (byContract && (args.contract === undefined || args["election-id"] === undefined)) {
        fail("--contract and --election-id go together", 2);
    }
    if (byCalldata && (args.sender === undefined || args.payload === undefined)) fail("--sender and --payload go together", 2);

    const { ethers } = loadPeerModule("ethers");
    const provider = await connect(args.rpc);
    const latestBlock = await provider.getBlockNumber();
    const verdict = { latestBlock };

    if (byContract) {
        const contract = normalizeHex(args.contract, "--contract", 20);
        const electionId = normalizeHex(args["election-id"], "--election-id", 32);
        const iface = new ethers.Interface(loadArtifact().abi);
        const logs = await provider.getLogs({
            address: contract, fromBlock: 0, toBlock: latestBlock,
            topics: [iface.getEvent("Anchored").topicHash, electionId],
        });
        verdict.anchoredEvents = logs.length;
        verdict.anchoredSizes = logs.map((log) => iface.parseLog(log).args[1].toString());
    }

    if (byCalldata) {
        const sender = normalizeHex(args.sender, "--sender", 20);
        const payload = normalizeHex(args.payload, "--payload");
        const matches = [];
        const BATCH = 32;
        for (let start = 0; start <= latestBlock; start += BATCH) {
            const numbers = [];
            for (let n = start; n <= Math.min(latestBlock, start + BATCH - 1); ++n) numbers.push(n);
            const blocks = await Promise.all(numbers.map((n) => provider.getBlock(n, true)));
            for (const block of blocks) {
                for (const tx of block.prefetchedTransactions) {
                    if (tx.from.toLowerCase() === sender && tx.data.toLowerCase() === payload) matches.push(tx.hash);
                }
            }
        }
        const receipts = await Promise.all(matches.map((h) => provider.getTransactionReceipt(h)));
        verdict.calldataAnchors = matches.length;
        verdict.calldataAnchorsSucceeded = receipts.filter((r) => r !== null && r.status === 1).length;
        verdict.calldataAnchorTxs = matches;
    }
    succeed(verdict);
}

runMain(main);
