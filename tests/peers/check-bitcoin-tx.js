#!/usr/bin/env node
// Independent check (bitcoinjs-lib, ecpair, tiny-secp256k1) of a Bitcoin anchor transaction the
// C++ bridge built: it parses as a segwit transaction, its one OP_RETURN output carries exactly the
// payload, and every input is a P2WPKH spend whose witness [signature, pubkey] verifies:
// hash160(pubkey) matches the prevout script, and the strict-DER, low-S SIGHASH_ALL signature is
// valid for the BIP 143 digest (hashForWitnessV0) over the prevout amount.
//
//   node check-bitcoin-tx.js --hex RAWHEX --payload HEX --prevout-script HEX --amount SATS
// For several inputs give comma-separated lists, one prevout script and amount per input.
// Prints one JSON line; exit 0 only if every check passes.
"use strict";

const { fail, succeed, parseArgs, normalizeHex, loadPeerModule } = require("./peer-util");

const USAGE = "check-bitcoin-tx.js --hex RAWHEX --payload HEX --prevout-script HEX[,HEX...] --amount SATS[,SATS...]";

function main() {
    const args = parseArgs(process.argv.slice(2), ["hex", "payload", "prevout-script", "amount"],
                           ["hex", "payload", "prevout-script", "amount"], USAGE);
    const bitcoin = loadPeerModule("bitcoinjs-lib");
    const ecc = loadPeerModule("tiny-secp256k1");
    const { ECPairFactory } = loadPeerModule("ecpair");
    const ECPair = ECPairFactory(ecc);
    const bytes = (hex, what) => Buffer.from(normalizeHex(hex, what).slice(2), "hex");

    const payload = bytes(args.payload, "--payload");
    const prevoutScripts = args["prevout-script"].split(",").map((s, i) => bytes(s, `--prevout-script ${i}`));
    const amounts = args.amount.split(",").map((a, i) => {
        if (!/^\d+$/.test(a)) fail(`--amount ${i}: not a whole number of satoshis: ${a}`, 2);
        return BigInt(a);
    });

    let tx;
    try {
        tx = bitcoin.Transaction.fromHex(normalizeHex(args.hex, "--hex").slice(2));
    } catch (e) {
        fail(`transaction does not parse: ${e.message}`);
    }
    if (!tx.hasWitnesses()) fail("transaction has no witness data (not a segwit transaction)");
    if (tx.ins.length !== prevoutScripts.length || tx.ins.length !== amounts.length) {
        fail(`transaction has ${tx.ins.length} input(s) but ${prevoutScripts.length} prevout script(s) ` +
             `and ${amounts.length} amount(s) were given`);
    }

    // The OP_RETURN output: exactly one, its data pushes concatenated must equal the payload.
    const opReturns = tx.outs.map((o, i) => [o, i]).filter(([o]) => o.script.length > 0 && o.script[0] === bitcoin.opcodes.OP_RETURN);
    if (opReturns.length !== 1) fail(`expected exactly one OP_RETURN output, found ${opReturns.length}`);
    const [opReturn, opReturnIndex] = opReturns[0];
    const chunks = bitcoin.script.decompile(opReturn.script);
    if (chunks === null) fail(`output ${opReturnIndex}: OP_RETURN script does not decompile`);
    const pushes = chunks.slice(1);
    if (pushes.some((c) => typeof c === "number")) fail(`output ${opReturnIndex}: OP_RETURN script has non-push opcodes`);
    const data = Buffer.concat(pushes.map((c) => Buffer.from(c)));
    if (!data.equals(payload)) {
        fail(`output ${opReturnIndex}: OP_RETURN data ${data.toString("hex")} != payload ${payload.toString("hex")}`);
    }

    // Every input: P2WPKH witness [DER signature + hashtype, 33-byte pubkey].
    for (let i = 0; i < tx.ins.length; ++i) {
        const witness = tx.ins[i].witness;
        if (tx.ins[i].script.length !== 0) fail(`input ${i}: scriptSig is not empty (not a native P2WPKH spend)`);
        if (witness.length !== 2) fail(`input ${i}: witness has ${witness.length} items, P2WPKH needs 2`);
        const pubkey = Buffer.from(witness[1]);
        let keyPair;
        try {
            keyPair = ECPair.fromPublicKey(pubkey);
        } catch (e) {
            fail(`input ${i}: witness pubkey is not a valid secp256k1 point: ${e.message}`);
        }
        if (!keyPair.compressed || pubkey.length !== 33) fail(`input ${i}: witness pubkey is not compressed`);
        const p2wpkh = bitcoin.payments.p2wpkh({ pubkey });
        if (!Buffer.from(p2wpkh.output).equals(prevoutScripts[i])) {
            fail(`input ${i}: hash160(pubkey) gives prevout script ${Buffer.from(p2wpkh.output).toString("hex")}, ` +
                 `expected ${prevoutScripts[i].toString("hex")}`);
        }
        let decoded;
        try {
            decoded = bitcoin.script.signature.decode(witness[0]);
        } catch (e) {
            fail(`input ${i}: signature is not strict DER with a hash type: ${e.message}`);
        }
        if (decoded.hashType !== bitcoin.Transaction.SIGHASH_ALL) {
            fail(`input ${i}: hash type ${decoded.hashType}, expected SIGHASH_ALL (1)`);
        }
        // BIP 143: the script code of a P2WPKH spend is the P2PKH script of the same key hash.
        const scriptCode = bitcoin.payments.p2pkh({ hash: p2wpkh.hash }).output;
        const digest = tx.hashForWitnessV0(i, scriptCode, amounts[i], decoded.hashType);
        if (!ecc.verify(digest, pubkey, decoded.signature, true)) {
            const highS = ecc.verify(digest, pubkey, decoded.signature, false);
            fail(`input ${i}: ${highS ? "signature has a high S value (non-standard)" : "signature does not verify"} ` +
                 `for amount ${amounts[i]} sat`);
        }
        if (!keyPair.verify(digest, decoded.signature)) fail(`input ${i}: ecpair rejects the signature`);
    }

    const outputTotal = tx.outs.reduce((sum, o) => sum + BigInt(o.value), 0n);
    const inputTotal = amounts.reduce((a, b) => a + b, 0n);
    if (outputTotal > inputTotal) fail(`outputs spend ${outputTotal} sat but inputs hold ${inputTotal} sat`);
    succeed({
        txid: tx.getId(), wtxid: Buffer.from(tx.getHash(true)).reverse().toString("hex"),
        inputs: tx.ins.length, opReturnOutput: opReturnIndex, payloadBytes: payload.length,
        feeSats: (inputTotal - outputTotal).toString(), vsize: tx.virtualSize(),
    });
}

try {
    main();
} catch (e) {
    fail(e.message);
}
