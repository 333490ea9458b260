# pragma version 0.4.3
# @title SmartWallet (Plenum devnet)
# @notice A minimal contract account for testing EIP-1271 voters: the owner
#         (an EOA) signs digests with its key, isValidSignature accepts exactly
#         those signatures (65 bytes r||s||v over the raw digest, low s,
#         v 27/28). The owner can hand the wallet to another owner, vote
#         directly on a governor, and make arbitrary calls (e.g. to delegate
#         the tokens the wallet holds).

interface IGovernor:
    def castVote(proposalId: uint256, support: uint8) -> uint256: nonpayable
    def castVoteWithReason(proposalId: uint256, support: uint8, reason: String[2048]) -> uint256: nonpayable

event OwnerChanged:
    previousOwner: indexed(address)
    newOwner: indexed(address)

owner: public(address)

MAGIC: constant(bytes4) = 0x1626ba7e
INVALID: constant(bytes4) = 0xffffffff
HALF_N: constant(uint256) = 57896044618658097711785492504343953926418782139537452191302581570759080747168


@deploy
def __init__(owner_: address):
    self.owner = owner_
    log OwnerChanged(previousOwner=empty(address), newOwner=owner_)


@payable
@external
def __default__():
    # plain ether transfers only: unknown selectors revert
    assert len(msg.data) == 0, "unknown function"


@view
@external
def isValidSignature(digest: bytes32, signature: Bytes[1024]) -> bytes4:
    if len(signature) != 65:
        return INVALID
    r: bytes32 = extract32(signature, 0)
    s: bytes32 = extract32(signature, 32)
    v: uint256 = convert(slice(signature, 64, 1), uint256)
    if convert(s, uint256) > HALF_N or (v != 27 and v != 28):
        return INVALID
    signer: address = ecrecover(digest, v, r, s)
    if signer != empty(address) and signer == self.owner:
        return MAGIC
    return INVALID


@external
def setOwner(newOwner: address):
    assert msg.sender == self.owner, "only owner"
    log OwnerChanged(previousOwner=self.owner, newOwner=newOwner)
    self.owner = newOwner


@external
def castVote(governor: address, proposalId: uint256, support: uint8) -> uint256:
    assert msg.sender == self.owner, "only owner"
    return extcall IGovernor(governor).castVote(proposalId, support)


@external
def castVoteWithReason(governor: address, proposalId: uint256, support: uint8, reason: String[2048]) -> uint256:
    assert msg.sender == self.owner, "only owner"
    return extcall IGovernor(governor).castVoteWithReason(proposalId, support, reason)


@payable
@external
def execute(target: address, amount: uint256, data: Bytes[4096]) -> Bytes[4096]:
    assert msg.sender == self.owner, "only owner"
    return raw_call(target, data, value=amount, max_outsize=4096)
