#!/usr/bin/env node
// Starts a local Hardhat 2 EVM node (chainId 31337) on 127.0.0.1 for the bridge tests, waits until
// it answers eth_chainId, and prints one JSON line: {"ok":true,"port":P,"url":...,"pid":PID,"log":...}.
//
//   node start-node.js [--port P] [--log FILE] [--foreground]
//
// Without --port a free port is picked. The node runs in its own process group whose id is PID;
// stop it with:   kill -- -PID        (background mode, the default: this script exits at once)
// With --foreground the script stays attached and stops the node on Ctrl-C / SIGTERM.
// Node output goes to FILE (default: $TMPDIR/psephos-hardhat-<port>.log).
//
// It runs node_modules/.bin/hardhat itself (what `npx hardhat node` would run) so that a missing
// install fails clearly instead of npx fetching a package; telemetry prompts and banners are off.
// Also a module: require("./start-node").startNode({port, log, keepLog}) -> {port, url, pid, log, stop()};
// there stop() also deletes the log unless keepLog is set (the command line always keeps it).
"use strict";

const { spawn } = require("child_process");
const fs = require("fs");
const http = require("http");
const net = require("net");
const os = require("os");
const path = require("path");

const PEERS_DIR = __dirname;
const HARDHAT_CLI = path.join(PEERS_DIR, "node_modules", "hardhat", "internal", "cli", "bootstrap.js");
const EXPECTED_CHAIN_ID = "0x7a69"; // 31337
const START_TIMEOUT_MS = 60000;

function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

// One eth_chainId call; resolves with the result or null if the node does not answer yet.
function chainId(port) {
    return new Promise((resolve) => {
        const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] });
        const req = http.request(
            { host: "127.0.0.1", port, method: "POST", path: "/", timeout: 2000,
              headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } },
            (res) => {
                let data = "";
                res.on("data", (c) => (data += c));
                res.on("end", () => {
                    try {
                        resolve(JSON.parse(data).result ?? null);
                    } catch {
                        resolve(null);
                    }
                });
            });
        req.on("error", () => resolve(null));
        req.on("timeout", () => req.destroy());
        req.end(body);
    });
}

function tail(file) {
    try {
        return fs.readFileSync(file, "utf8").split("\n").slice(-15).join("\n");
    } catch {
        return "(no log)";
    }
}

async function startNode({ port, log, keepLog = false } = {}) {
    if (!fs.existsSync(HARDHAT_CLI)) {
        throw new Error(`hardhat is not installed in ${PEERS_DIR}/node_modules; run scripts/setup-peers`);
    }
    port = port || (await freePort());
    log = log || path.join(os.tmpdir(), `psephos-hardhat-${port}.log`);
    const out = fs.openSync(log, "w");
    const child = spawn(process.execPath,
        [HARDHAT_CLI, "node", "--hostname", "127.0.0.1", "--port", String(port)], {
            cwd: PEERS_DIR,
            detached: true, // own process group, so `kill -- -pid` stops everything it started
            stdio: ["ignore", out, out],
            env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true", CI: "true" },
        });
    fs.closeSync(out);
    let exited = null;
    child.on("exit", (code, signal) => (exited = signal || `exit code ${code}`));
    const stop = () => {
        if (exited === null) {
            try {
                process.kill(-child.pid, "SIGTERM");
            } catch {
                // already gone
            }
        }
        if (!keepLog) fs.rmSync(log, { force: true });
    };
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
        const id = await chainId(port);
        if (id !== null) {
            if (id !== EXPECTED_CHAIN_ID) {
                stop();
                throw new Error(`node on port ${port} reports chainId ${id}, expected ${EXPECTED_CHAIN_ID}`);
            }
            break;
        }
        if (exited !== null) {
            const message = `hardhat node exited (${exited}) before answering; log ${log}:\n${tail(log)}`;
            stop();
            throw new Error(message);
        }
        if (Date.now() > deadline) {
            const message = `hardhat node did not answer eth_chainId on port ${port} within ` +
                            `${START_TIMEOUT_MS / 1000} s; log ${log}:\n${tail(log)}`;
            stop();
            throw new Error(message);
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    return { port, url: `http://127.0.0.1:${port}`, pid: child.pid, log, child, stop };
}

async function main() {
    const args = process.argv.slice(2);
    const opts = { keepLog: true };
    let foreground = false;
    for (let i = 0; i < args.length; ++i) {
        if (args[i] === "--port") opts.port = Number(args[++i]);
        else if (args[i] === "--log") opts.log = args[++i];
        else if (args[i] === "--foreground") foreground = true;
        else throw new Error(`unknown argument ${args[i]}; usage: start-node.js [--port P] [--log FILE] [--foreground]`);
    }
    if (opts.port !== undefined && !(Number.isInteger(opts.port) && opts.port > 0 && opts.port < 65536)) {
        throw new Error("--port needs a port number");
    }
    const node = await startNode(opts);
    console.log(JSON.stringify({ ok: true, port: node.port, url: node.url, pid: node.pid, log: node.log,
                                 stop: `kill -- -${node.pid}` }));
    if (foreground) {
        const quit = () => {
            node.stop();
            process.exit(0);
        };
        process.on("SIGINT", quit);
        process.on("SIGTERM", quit);
        node.child.on("exit", () => process.exit(1));
    } else {
        node.child.unref();
    }
}

module.exports = { startNode, freePort };

if (require.main === module) {
    main().catch((e) => {
        console.log(JSON.stringify({ ok: false, error: e.message }));
        process.exit(1);
    });
}
