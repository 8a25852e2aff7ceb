// Hardhat 2 configuration for the local EVM test peer only: `hardhat node` on 127.0.0.1
// (started by start-node.js or tests/support/hardhat_node.hpp). Nothing here compiles Solidity
// (compile-contract.js uses solc-js), so Hardhat never needs to download a compiler; `paths.sources`
// points at an empty folder name so an accidental `hardhat compile` has nothing to do.
// Telemetry and banners are kept off by the environment the launchers set
// (HARDHAT_DISABLE_TELEMETRY_PROMPT=true, CI=true) and by stdout not being a terminal.
"use strict";

module.exports = {
    defaultNetwork: "hardhat",
    networks: {
        hardhat: {
            chainId: 31337,
            // Pinned so a Hardhat upgrade does not silently change the EVM the tests run on.
            hardfork: "cancun",
            mining: { auto: true, interval: 0 },
            // The standard Hardhat dev accounts ("test test ... junk"), 10000 ETH each.
            accounts: { count: 10 },
        },
    },
    paths: {
        sources: "./no-solidity-sources",
        cache: "./.hardhat-cache",
        artifacts: "./.hardhat-artifacts",
    },
};
