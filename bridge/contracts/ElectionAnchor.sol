// SPDX-License-Identifier: Apache-2.0
//
// ElectionAnchor: the on-chain end of the Psephos bridge. One authorized bridge address records
// the RFC 9162 Merkle tree head (log size, root) of each election's ledger; anyone can then check
// a ballot's inclusion proof against an anchored root without trusting the election server.
//
// Compiled by tests/peers/compile-contract.js (solc-js, exact version below, optimizer on) into
// bridge/contracts/ElectionAnchor.json, the artifact the C++ bridge deploys; ctest's
// bridge_contract_bytecode proves that artifact comes from this source.
pragma solidity 0.8.37;

contract ElectionAnchor {
    /// The only address allowed to anchor roots, fixed at deployment.
    address public immutable bridge;

    // electionId => logSize => root. A zero root means "not anchored": RFC 9162 roots are
    // SHA-256 outputs, and anchor() refuses a zero root so the two can never be confused.
    mapping(bytes32 => mapping(uint64 => bytes32)) private roots;

    /// The largest log size anchored so far for each election (0 if none).
    mapping(bytes32 => uint64) public latestSize;

    event Anchored(bytes32 indexed electionId, uint64 logSize, bytes32 root);

    error ZeroBridgeAddress();
    error NotBridge(address sender);
    error ZeroRoot();
    error RootConflict(bytes32 electionId, uint64 logSize, bytes32 anchoredRoot);

    constructor(address bridge_) {
        if (bridge_ == address(0)) revert ZeroBridgeAddress();
        bridge = bridge_;
    }

    /// Records `root` as the tree head of `electionId`'s log at `logSize`.
    /// Re-anchoring an identical (electionId, logSize, root) is a successful no-op that emits no
    /// event, so a bridge that resends after a crash neither fails nor creates a second anchor.
    /// A different root for an already anchored (electionId, logSize) reverts with RootConflict:
    /// an append-only log has exactly one head per size, so a second one is evidence of a fork.
    function anchor(bytes32 electionId, uint64 logSize, bytes32 root) external {
        if (msg.sender != bridge) revert NotBridge(msg.sender);
        if (root == bytes32(0)) revert ZeroRoot();
        bytes32 anchored = roots[electionId][logSize];
        if (anchored == root) return;
        if (anchored != bytes32(0)) revert RootConflict(electionId, logSize, anchored);
        roots[electionId][logSize] = root;
        if (logSize > latestSize[electionId]) latestSize[electionId] = logSize;
        emit Anchored(electionId, logSize, root);
    }

    /// The root anchored for (electionId, logSize), or zero if none.
    function rootOf(bytes32 electionId, uint64 logSize) external view returns (bytes32) {
        return roots[electionId][logSize];
    }

    /// True iff `proof` shows that `leafHash` (already SHA-256(0x00 || leaf)) is leaf `index` of
    /// the tree of `treeSize` leaves whose root is anchored for `electionId`. False, never a
    /// revert, for an unanchored size or any malformed proof.
    function verifyInclusion(
        bytes32 electionId,
        bytes32 leafHash,
        uint256 index,
        uint256 treeSize,
        bytes32[] calldata proof
    ) external view returns (bool) {
        if (treeSize > type(uint64).max) return false;
        bytes32 root = roots[electionId][uint64(treeSize)];
        if (root == bytes32(0)) return false;
        return inclusionProofMatches(leafHash, index, treeSize, proof, root);
    }

    // RFC 9162 §2.1.3.2 "Verifying an Inclusion Proof", step by step.
    function inclusionProofMatches(
        bytes32 leafHash,
        uint256 index,
        uint256 treeSize,
        bytes32[] calldata proof,
        bytes32 root
    ) private pure returns (bool) {
        // 1. leaf_index must be less than tree_size.
        if (index >= treeSize) return false;
        // 2. fn = leaf_index, sn = tree_size - 1.
        uint256 fn = index;
        uint256 sn = treeSize - 1;
        // 3. r = hash.
        bytes32 r = leafHash;
        // 4. For each p in inclusion_path:
        for (uint256 i = 0; i < proof.length; ++i) {
            // 4a. If sn is 0, stop the iteration and fail.
            if (sn == 0) return false;
            bytes32 p = proof[i];
            if (fn & 1 == 1 || fn == sn) {
                // 4b. r = HASH(0x01 || p || r); then, if LSB(fn) is not set, right-shift fn and
                // sn equally until either LSB(fn) is set or fn is 0.
                r = sha256(abi.encodePacked(bytes1(0x01), p, r));
                while (fn & 1 == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                // 4b (otherwise). r = HASH(0x01 || r || p).
                r = sha256(abi.encodePacked(bytes1(0x01), r, p));
            }
            // 4c. Right-shift both fn and sn one time.
            fn >>= 1;
            sn >>= 1;
        }
        // 5. Succeed only if sn is 0 (the path reached the root) and r equals the root.
        return sn == 0 && r == root;
    }
}
