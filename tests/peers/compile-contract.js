#!/usr/bin/env node
// Compiles bridge/contracts/ElectionAnchor.sol with solc-js (the npm `solc` package pinned in
// package.json; never a downloaded native compiler) into bridge/contracts/ElectionAnchor.json:
//   {contractName, solcVersion, settings, abi, bytecode, deployedBytecode, sourceSha256}
// The C++ bridge deploys the committed JSON's creation bytecode.
//
//   node compile-contract.js            rewrite the JSON from the source
//   node compile-contract.js --check    recompile and exit 1 if the committed JSON differs
//                                       (ctest: bridge_contract_bytecode)
// Prints a one-line JSON verdict; exit 0 only on success.
"use strict";

const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const CONTRACT_NAME = "ElectionAnchor";
const CONTRACTS_DIR = path.resolve(__dirname, "..", "..", "bridge", "contracts");
const SOURCE_PATH = path.join(CONTRACTS_DIR, `${CONTRACT_NAME}.sol`);
const ARTIFACT_PATH = path.join(CONTRACTS_DIR, `${CONTRACT_NAME}.json`);

// Fixed settings: part of the artifact, so a change shows up in --check. evmVersion is pinned
// (shanghai: PUSH0, supported by every major EVM chain) instead of following solc's default.
const SETTINGS = {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "shanghai",
    metadata: { bytecodeHash: "ipfs" },
};

function fail(message) {
    console.log(JSON.stringify({ ok: false, error: message }));
    process.exit(1);
}

function loadSolc() {
    try {
        return require("solc");
    } catch (e) {
        fail(`cannot load solc-js (${e.message.split("\n")[0]}); run scripts/setup-peers`);
    }
}

function compile() {
    const solc = loadSolc();
    const source = fs.readFileSync(SOURCE_PATH, "utf8");
    const pragma = /^pragma solidity (\d+\.\d+\.\d+);/m.exec(source);
    if (!pragma) fail(`${SOURCE_PATH}: no exact 'pragma solidity X.Y.Z;'`);
    const solcVersion = solc.version();
    if (!solcVersion.startsWith(`${pragma[1]}+`)) {
        fail(`solc-js is ${solcVersion} but ${CONTRACT_NAME}.sol pins ${pragma[1]}`);
    }
    // The source key is a bare file name, so the metadata hash does not depend on the checkout path.
    const input = {
        language: "Solidity",
        sources: { [`${CONTRACT_NAME}.sol`]: { content: source } },
        settings: {
            ...SETTINGS,
            outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
        },
    };
    const output = JSON.parse(solc.compile(JSON.stringify(input)));
    const errors = (output.errors || []).filter((e) => e.severity === "error");
    if (errors.length > 0) fail(errors.map((e) => e.formattedMessage).join("\n"));
    const warnings = (output.errors || []).filter((e) => e.severity !== "error");
    if (warnings.length > 0) fail(`warnings: ${warnings.map((e) => e.formattedMessage).join("\n")}`);
    const contract = output.contracts[`${CONTRACT_NAME}.sol`][CONTRACT_NAME];
    return {
        contractName: CONTRACT_NAME,
        solcVersion,
        settings: SETTINGS,
        abi: contract.abi,
        bytecode: `0x${contract.evm.bytecode.object}`,
        deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
        sourceSha256: crypto.createHash("sha256").update(Buffer.from(source, "utf8")).digest("hex"),
    };
}

function main() {
    const args = process.argv.slice(2);
    const check = args.includes("--check");
    const unknown = args.filter((a) => a !== "--check");
    if (unknown.length > 0) fail(`unknown argument ${unknown[0]}; usage: compile-contract.js [--check]`);

    const artifact = compile();
    const text = `${JSON.stringify(artifact, null, 2)}\n`;
    if (!check) {
        fs.writeFileSync(ARTIFACT_PATH, text);
        console.log(JSON.stringify({ ok: true, wrote: ARTIFACT_PATH, solcVersion: artifact.solcVersion }));
        return;
    }
    let committed;
    try {
        committed = fs.readFileSync(ARTIFACT_PATH, "utf8");
    } catch (e) {
        fail(`cannot read ${ARTIFACT_PATH}: ${e.message}`);
    }
    if (committed !== text) {
        let differing = ["(formatting)"];
        try {
            const old = JSON.parse(committed);
            differing = Object.keys(artifact).filter(
                (k) => JSON.stringify(old[k]) !== JSON.stringify(artifact[k]));
        } catch (e) {
            differing = [`(not JSON: ${e.message})`];
        }
        fail(`${ARTIFACT_PATH} does not match ${CONTRACT_NAME}.sol compiled by ${artifact.solcVersion}; ` +
             `differing: ${differing.join(", ")}; run node tests/peers/compile-contract.js`);
    }
    console.log(JSON.stringify({ ok: true, checked: ARTIFACT_PATH, solcVersion: artifact.solcVersion }));
}

main();
