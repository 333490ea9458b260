"""The governance contracts, checked against what eth-abi, eth-account and
web3 compute independently (OpenZeppelin v5 semantics), block-number clock."""

import json

import pytest
from eth_abi import decode, encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address

from plenumdev.client import RpcCallError, decode_proposal_created

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

# OpenZeppelin v5 (IGovernor, GovernorPreventLateQuorum, GovernorSettings,
# GovernorVotesQuorumFraction, IVotes, IERC20) event signatures and indexed flags.
OZ_EVENTS = {
    "governor": {
        "ProposalCreated(uint256,address,address[],uint256[],string[],bytes[],uint256,uint256,string)": [False] * 9,
        "ProposalQueued(uint256,uint256)": [False, False],
        "ProposalExecuted(uint256)": [False],
        "ProposalCanceled(uint256)": [False],
        "ProposalExtended(uint256,uint64)": [True, False],
        "VoteCast(address,uint256,uint8,uint256,string)": [True, False, False, False, False],
        "VoteCastWithParams(address,uint256,uint8,uint256,string,bytes)": [True] + [False] * 5,
        "VotingDelaySet(uint256,uint256)": [False, False],
        "VotingPeriodSet(uint256,uint256)": [False, False],
        "ProposalThresholdSet(uint256,uint256)": [False, False],
        "QuorumNumeratorUpdated(uint256,uint256)": [False, False],
    },
    "token": {
        "Transfer(address,address,uint256)": [True, True, False],
        "Approval(address,address,uint256)": [True, True, False],
        "DelegateChanged(address,address,address)": [True, True, True],
        "DelegateVotesChanged(address,uint256,uint256)": [True, False, False],
    },
}
# the topic0 that OpenZeppelin and GovernorBravo clients filter on
PROPOSAL_CREATED_TOPIC0 = "0x7d84a6263ae0d98d3329bd7b46bb4e8d6f98cd35a7adb45c274c8b7fd5ebd5e0"


def topic(sig):
    return "0x" + keccak(text=sig).hex()


def oz_hash_proposal(targets, values, calldatas, description):
    """OpenZeppelin's hashProposal, computed here with eth-abi."""
    desc_hash = keccak(text=description)
    return int.from_bytes(keccak(encode(["address[]", "uint256[]", "bytes[]", "bytes32"],
                                        [targets, values, calldatas, desc_hash])), "big")


def error_data(sig, types=(), args=()):
    return "0x" + (keccak(text=sig)[:4] + encode(list(types), list(args))).hex()


def expect_revert(fn, sig, types=(), args=()):
    with pytest.raises(RpcCallError) as ei:
        fn()
    assert ei.value.code == 3, ei.value
    assert ei.value.data == error_data(sig, types, args)


def propose(dn, description, key_index=0, targets=None, values=None, calldatas=None):
    targets = targets or [dn.governor]
    values = values or [0] * len(targets)
    calldatas = calldatas or [b""] * len(targets)
    rc = dn.transact(dn.key(key_index), dn.governor, "propose(address[],uint256[],bytes[],string)",
                     targets, values, calldatas, description)
    assert rc["status"] == "0x1"
    logs = [lg for lg in rc["logs"] if lg["topics"][0] == PROPOSAL_CREATED_TOPIC0]
    assert len(logs) == 1
    return rc, decode_proposal_created(logs[0]), logs[0]


def state(dn, pid, block="latest"):
    return dn.call(dn.governor, "state(uint256)", pid, types=["uint8"], block=block)


PENDING, ACTIVE, CANCELED, DEFEATED, SUCCEEDED, QUEUED, EXPIRED, EXECUTED = range(8)


def sign_ballot(dn, key, pid, support, voter, nonce, domain_overrides=None):
    domain = {"name": "Plenum Governor", "version": "1", "chainId": dn.chain_id,
              "verifyingContract": dn.governor}
    domain.update(domain_overrides or {})
    types = {"Ballot": [{"name": "proposalId", "type": "uint256"}, {"name": "support", "type": "uint8"},
                        {"name": "voter", "type": "address"}, {"name": "nonce", "type": "uint256"}]}
    msg = {"proposalId": pid, "support": support, "voter": voter, "nonce": nonce}
    signable = encode_typed_data(domain_data=domain, message_types=types, message_data=msg)
    return signable, Account.sign_message(signable, key).signature


def typed_digest(signable):
    return keccak(b"\x19" + signable.version + signable.header + signable.body)


def cast_by_sig(dn, pid, support, voter, signature, relayer=4):
    return dn.transact(dn.key(relayer), dn.governor, "castVoteBySig(uint256,uint8,address,bytes)",
                       pid, support, voter, bytes(signature))


# ---------------------------------------------------------------------------------------------

def test_event_abis_match_openzeppelin(devnet):
    for contract, events in OZ_EVENTS.items():
        with open(devnet.info["abi"][contract]) as f:
            abi = json.load(f)
        by_name = {e["name"]: e for e in abi if e["type"] == "event"}
        for sig, indexed in events.items():
            name = sig[: sig.index("(")]
            ev = by_name[name]
            ours = f"{name}({','.join(i['type'] for i in ev['inputs'])})"
            assert ours == sig
            assert keccak(text=ours) == keccak(text=sig)
            assert [i["indexed"] for i in ev["inputs"]] == indexed, name
    assert topic(next(iter(OZ_EVENTS["governor"]))) == PROPOSAL_CREATED_TOPIC0


def test_metadata_and_clock(devnet):
    dn = devnet
    assert dn.call(dn.governor, "name()", types=["string"]) == "Plenum Governor"
    assert dn.call(dn.governor, "version()", types=["string"]) == "1"
    assert dn.call(dn.governor, "COUNTING_MODE()", types=["string"]) == "support=bravo&quorum=for,abstain"
    for c in (dn.governor, dn.token):
        assert dn.call(c, "CLOCK_MODE()", types=["string"]) == "mode=blocknumber&from=default"
        assert dn.call(c, "clock()", types=["uint48"]) == dn.block_number()
    assert dn.call(dn.governor, "votingDelay()", types=["uint256"]) == dn.info["governor"]["votingDelay"]
    assert dn.call(dn.governor, "votingPeriod()", types=["uint256"]) == dn.info["governor"]["votingPeriod"]
    assert dn.call(dn.governor, "token()", types=["address"]) == dn.token.lower()
    assert dn.call(dn.governor, "BALLOT_TYPEHASH()", types=["bytes32"]) == \
        keccak(text="Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)")
    # EIP-712 domain separator, computed with eth-abi
    dom = keccak(encode(["bytes32", "bytes32", "bytes32", "uint256", "address"], [
        keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
        keccak(text="Plenum Governor"), keccak(text="1"), dn.chain_id, dn.governor]))
    assert dn.call(dn.governor, "DOMAIN_SEPARATOR()", types=["bytes32"]) == dom


def test_distribution_and_delegation(devnet):
    dn = devnet
    total = 0
    for acc in dn.accounts:
        bal = int(acc["tokenBalance"])
        total += bal
        assert dn.call(dn.token, "balanceOf(address)", acc["address"], types=["uint256"]) == bal
        assert dn.call(dn.token, "delegates(address)", acc["address"], types=["address"]) == acc["address"].lower()
        assert dn.call(dn.token, "getVotes(address)", acc["address"], types=["uint256"]) == bal
    assert len({a["tokenBalance"] for a in dn.accounts}) == len(dn.accounts)  # varied
    total += int(dn.info["wallet"]["balance"])
    assert dn.call(dn.token, "totalSupply()", types=["uint256"]) == total
    assert str(total) == dn.info["token"]["totalSupply"]
    # the accounts' keys are the ones of their addresses
    for acc in dn.accounts + [dn.info["deployer"]]:
        assert Account.from_key(acc["privateKey"]).address == acc["address"]


def test_past_votes_follow_checkpoints(devnet):
    dn = devnet
    a, b, c = dn.addr(2), dn.addr(3), dn.addr(4)
    va = dn.call(dn.token, "getVotes(address)", a, types=["uint256"])
    vb = dn.call(dn.token, "getVotes(address)", b, types=["uint256"])
    start = dn.block_number()
    rc1 = dn.transact(dn.key(3), dn.token, "delegate(address)", a)     # b's tokens now count for a
    b1 = int(rc1["blockNumber"], 16)
    amount = 123 * 10**18
    rc2 = dn.transact(dn.key(2), dn.token, "transfer(address,uint256)", c, amount)
    b2 = int(rc2["blockNumber"], 16)
    dn.mine(1)
    past = lambda who, t: dn.call(dn.token, "getPastVotes(address,uint256)", who, t, types=["uint256"])
    assert past(a, start) == va
    assert past(a, b1 - 1) == va
    assert past(a, b1) == va + vb
    assert past(b, b1) == 0 and past(b, b1 - 1) == vb
    assert past(a, b2) == va + vb - amount
    assert dn.call(dn.governor, "getVotes(address,uint256)", a, b2, types=["uint256"]) == va + vb - amount
    # the delegation event stream says the same thing
    logs = dn.rpc.call("eth_getLogs", {"fromBlock": hex(b1), "toBlock": hex(b2), "address": dn.token,
                                        "topics": [topic("DelegateVotesChanged(address,uint256,uint256)")]})
    changes = [(lg["topics"][1][-40:], decode(["uint256", "uint256"], bytes.fromhex(lg["data"][2:])))
               for lg in logs]
    assert (a[2:].lower(), (va, va + vb)) in changes
    assert (a[2:].lower(), (va + vb, va + vb - amount)) in changes
    # a future timepoint reverts as OZ: ERC5805FutureLookup(timepoint, clock)
    now = dn.block_number()
    expect_revert(lambda: dn.rpc.call("eth_call", {"to": dn.token, "input": "0x" + (
        keccak(text="getPastVotes(address,uint256)")[:4] + encode(["address", "uint256"], [a, now + 5])).hex()}),
        "ERC5805FutureLookup(uint256,uint48)", ["uint256", "uint48"], [now + 5, now])
    # give the votes back so that later tests see the original distribution
    dn.transact(dn.key(3), dn.token, "delegate(address)", b)
    dn.transact(dn.key(4), dn.token, "transfer(address,uint256)", a, amount)


def test_propose_event_and_id_match_openzeppelin(devnet):
    dn = devnet
    targets = [dn.token, dn.governor]
    values = [0, 0]
    calldatas = [keccak(text="approve(address,uint256)")[:4] + encode(["address", "uint256"], [dn.addr(1), 5]),
                 b""]
    desc = "# Proposal with two actions\n\nSome *markdown* text and unicode: ✓"
    rc, ev, log = propose(dn, desc, 0, targets, values, calldatas)
    block = int(rc["blockNumber"], 16)
    assert log["topics"] == [PROPOSAL_CREATED_TOPIC0]  # no indexed parameters
    assert log["removed"] is False
    expected_id = oz_hash_proposal(targets, values, calldatas, desc)
    assert ev["proposalId"] == expected_id
    assert ev["proposer"] == dn.addr(0).lower()
    assert [to_checksum_address(t) for t in ev["targets"]] == targets
    assert list(ev["values"]) == values
    assert list(ev["signatures"]) == ["", ""]
    assert list(ev["calldatas"]) == calldatas
    delay, period = dn.info["governor"]["votingDelay"], dn.info["governor"]["votingPeriod"]
    assert ev["voteStart"] == block + delay
    assert ev["voteEnd"] == block + delay + period
    assert ev["description"] == desc
    assert dn.call(dn.governor, "hashProposal(address[],uint256[],bytes[],bytes32)",
                   targets, values, calldatas, keccak(text=desc), types=["uint256"]) == expected_id
    assert dn.call(dn.governor, "proposalProposer(uint256)", expected_id, types=["address"]) == dn.addr(0).lower()
    assert dn.call(dn.governor, "proposalSnapshot(uint256)", expected_id, types=["uint256"]) == block + delay
    assert dn.call(dn.governor, "proposalDeadline(uint256)", expected_id, types=["uint256"]) == block + delay + period
    # the same proposal again is refused as OZ does
    with pytest.raises(RpcCallError) as ei:
        dn.transact(dn.key(0), dn.governor, "propose(address[],uint256[],bytes[],string)",
                    targets, values, calldatas, desc)
    assert ei.value.code == 3
    assert ei.value.data.startswith("0x" + keccak(text="GovernorUnexpectedProposalState(uint256,uint8,bytes32)")[:4].hex())
    # unknown proposal: GovernorNonexistentProposal(id)
    expect_revert(lambda: dn.rpc.call("eth_call", {"to": dn.governor, "input": "0x" + (
        keccak(text="state(uint256)")[:4] + encode(["uint256"], [12345])).hex()}),
        "GovernorNonexistentProposal(uint256)", ["uint256"], [12345])


def test_lifecycle_succeeded_with_quorum_votes_queue_execute(devnet):
    dn = devnet
    desc = "Approve 5 units to account 1"
    target_call = keccak(text="approve(address,uint256)")[:4] + encode(["address", "uint256"], [dn.addr(1), 5])
    rc, ev, _ = propose(dn, desc, 1, [dn.token], [0], [target_call])
    pid = ev["proposalId"]
    snapshot, deadline = ev["voteStart"], ev["voteEnd"]
    # OZ: Pending while clock <= snapshot, Active while clock <= deadline
    while dn.block_number() <= snapshot:
        assert state(dn, pid) == PENDING
        dn.mine(1)
    assert state(dn, pid) == ACTIVE
    votes = {0: 0, 1: 0, 2: 0}
    for idx, support, reason in ((0, 1, "for it"), (1, 0, ""), (2, 2, "abstaining")):
        weight = dn.call(dn.token, "getPastVotes(address,uint256)", dn.addr(idx), snapshot, types=["uint256"])
        if reason:
            rc = dn.transact(dn.key(idx), dn.governor, "castVoteWithReason(uint256,uint8,string)", pid, support, reason)
        else:
            rc = dn.transact(dn.key(idx), dn.governor, "castVote(uint256,uint8)", pid, support)
        (lg,) = [x for x in rc["logs"] if x["address"] == dn.governor.lower()]
        assert lg["topics"] == [topic("VoteCast(address,uint256,uint8,uint256,string)"),
                                "0x" + "0" * 24 + dn.addr(idx)[2:].lower()]
        assert decode(["uint256", "uint8", "uint256", "string"], bytes.fromhex(lg["data"][2:])) == \
            (pid, support, weight, reason)
        votes[support] += weight
        assert dn.call(dn.governor, "hasVoted(uint256,address)", pid, dn.addr(idx), types=["bool"])
    assert not dn.call(dn.governor, "hasVoted(uint256,address)", pid, dn.addr(3), types=["bool"])
    assert dn.call(dn.governor, "proposalVotes(uint256)", pid, types=["uint256"] * 3) == (votes[0], votes[1], votes[2])
    expect_revert(lambda: dn.transact(dn.key(0), dn.governor, "castVote(uint256,uint8)", pid, 1),
                  "GovernorAlreadyCastVote(address)", ["address"], [dn.addr(0)])
    expect_revert(lambda: dn.transact(dn.key(3), dn.governor, "castVote(uint256,uint8)", pid, 3),
                  "GovernorInvalidVoteType()")
    while dn.block_number() <= deadline:
        assert state(dn, pid) == ACTIVE
        dn.mine(1)
    supply = dn.call(dn.token, "getPastTotalSupply(uint256)", snapshot, types=["uint256"])
    assert supply == int(dn.info["token"]["totalSupply"])
    quorum = supply * dn.info["governor"]["quorumNumerator"] // 100
    assert dn.call(dn.governor, "quorum(uint256)", snapshot, types=["uint256"]) == quorum
    expected = SUCCEEDED if votes[1] + votes[2] >= quorum and votes[1] > votes[0] else DEFEATED
    assert expected == SUCCEEDED  # account 0 holds the most votes
    assert state(dn, pid) == SUCCEEDED
    # queue then execute: the governor really performs the call
    args = ([dn.token], [0], [target_call], keccak(text=desc))
    rc = dn.transact(dn.key(2), dn.governor, "queue(address[],uint256[],bytes[],bytes32)", *args)
    (lg,) = [x for x in rc["logs"] if x["address"] == dn.governor.lower()]
    ts = int(dn.rpc.call("eth_getBlockByNumber", rc["blockNumber"], False)["timestamp"], 16)
    assert lg["topics"] == [topic("ProposalQueued(uint256,uint256)")]
    assert decode(["uint256", "uint256"], bytes.fromhex(lg["data"][2:])) == (pid, ts)
    assert state(dn, pid) == QUEUED
    rc = dn.transact(dn.key(2), dn.governor, "execute(address[],uint256[],bytes[],bytes32)", *args)
    topics = [x["topics"][0] for x in rc["logs"]]
    assert topic("Approval(address,address,uint256)") in topics
    assert topic("ProposalExecuted(uint256)") in topics
    assert state(dn, pid) == EXECUTED
    assert dn.call(dn.token, "allowance(address,address)", dn.governor, dn.addr(1), types=["uint256"]) == 5


def test_defeated_without_majority(devnet):
    dn = devnet
    rc, ev, _ = propose(dn, "A proposal voted down", 2)
    pid = ev["proposalId"]
    dn.mine(ev["voteStart"] - dn.block_number() + 1)
    assert state(dn, pid) == ACTIVE
    dn.transact(dn.key(0), dn.governor, "castVote(uint256,uint8)", pid, 0)   # biggest holder against
    dn.transact(dn.key(1), dn.governor, "castVote(uint256,uint8)", pid, 1)
    dn.mine(ev["voteEnd"] - dn.block_number() + 1)
    against, for_, _ = dn.call(dn.governor, "proposalVotes(uint256)", pid, types=["uint256"] * 3)
    assert against > for_
    assert state(dn, pid) == DEFEATED


def test_defeated_without_quorum(devnet):
    dn = devnet
    dn.rpc.call("evm_mine")
    rc, ev, _ = propose(dn, "Nobody votes", 0)
    pid = ev["proposalId"]
    dn.mine(ev["voteEnd"] - dn.block_number() + 1)
    assert dn.call(dn.governor, "proposalVotes(uint256)", pid, types=["uint256"] * 3) == (0, 0, 0)
    assert state(dn, pid) == DEFEATED


def test_cancel_and_extend(devnet):
    dn = devnet
    desc = "To be canceled"
    rc, ev, _ = propose(dn, desc, 3)
    pid = ev["proposalId"]
    args = ([dn.governor], [0], [b""], keccak(text=desc))
    expect_revert(lambda: dn.transact(dn.key(1), dn.governor, "cancel(address[],uint256[],bytes[],bytes32)", *args),
                  "GovernorOnlyProposer(address)", ["address"], [dn.addr(1)])
    rc = dn.transact(dn.key(3), dn.governor, "cancel(address[],uint256[],bytes[],bytes32)", *args)
    (lg,) = rc["logs"]
    assert lg["topics"] == [topic("ProposalCanceled(uint256)")]
    assert int(lg["data"], 16) == pid
    assert state(dn, pid) == CANCELED

    rc, ev, _ = propose(dn, "To be extended", 3)
    pid = ev["proposalId"]
    new_deadline = ev["voteEnd"] + 7
    rc = dn.transact(dn.info["deployer"]["privateKey"], dn.governor, "extendDeadline(uint256,uint64)", pid, new_deadline)
    (lg,) = rc["logs"]
    assert lg["topics"] == [topic("ProposalExtended(uint256,uint64)"), "0x" + pid.to_bytes(32, "big").hex()]
    assert decode(["uint64"], bytes.fromhex(lg["data"][2:])) == (new_deadline,)
    assert dn.call(dn.governor, "proposalDeadline(uint256)", pid, types=["uint256"]) == new_deadline
    with pytest.raises(RpcCallError):
        dn.transact(dn.key(3), dn.governor, "extendDeadline(uint256,uint64)", pid, new_deadline + 1)


def test_cast_vote_by_sig_eoa(devnet):
    dn = devnet
    _, ev1, _ = propose(dn, "By-signature vote 1", 0)
    _, ev2, _ = propose(dn, "By-signature vote 2", 0)
    p1, p2 = ev1["proposalId"], ev2["proposalId"]
    dn.mine(max(ev1["voteStart"], ev2["voteStart"]) - dn.block_number() + 1)
    voter, key = dn.addr(1), dn.key(1)
    nonce = dn.call(dn.governor, "nonces(address)", voter, types=["uint256"])
    bad_sig = ("GovernorInvalidSignature(address)", ["address"], [voter])

    # wrong domains are rejected
    for override in ({"chainId": dn.chain_id + 1}, {"verifyingContract": dn.token}, {"name": "Other Governor"},
                     {"version": "2"}):
        _, sig = sign_ballot(dn, key, p1, 1, voter, nonce, override)
        expect_revert(lambda: cast_by_sig(dn, p1, 1, voter, sig), *bad_sig)
    # a wrong nonce is rejected
    _, sig = sign_ballot(dn, key, p1, 1, voter, nonce + 1)
    expect_revert(lambda: cast_by_sig(dn, p1, 1, voter, sig), *bad_sig)
    # high-s (the same signature, malleated) and a wrong v are rejected as OZ's ECDSA does
    _, sig = sign_ballot(dn, key, p1, 1, voter, nonce)
    r, s, v = sig[:32], int.from_bytes(sig[32:64], "big"), sig[64]
    high_s = r + (SECP256K1_N - s).to_bytes(32, "big") + bytes([55 - v])
    assert Account._recover_hash(typed_digest(sign_ballot(dn, key, p1, 1, voter, nonce)[0]),
                                 vrs=(55 - v, int.from_bytes(r, "big"), SECP256K1_N - s)) == voter
    expect_revert(lambda: cast_by_sig(dn, p1, 1, voter, high_s), *bad_sig)
    expect_revert(lambda: cast_by_sig(dn, p1, 1, voter, r + sig[32:64] + bytes([v - 27])), *bad_sig)
    expect_revert(lambda: cast_by_sig(dn, p1, 1, voter, sig[:64]), *bad_sig)
    # the right one is accepted, counted for the voter, and uses the nonce
    weight = dn.call(dn.token, "getPastVotes(address,uint256)", voter, ev1["voteStart"], types=["uint256"])
    rc = cast_by_sig(dn, p1, 1, voter, sig)
    (lg,) = rc["logs"]
    assert rc["from"] == dn.addr(4).lower()
    assert lg["topics"][1] == "0x" + "0" * 24 + voter[2:].lower()
    assert decode(["uint256", "uint8", "uint256", "string"], bytes.fromhex(lg["data"][2:])) == (p1, 1, weight, "")
    assert dn.call(dn.governor, "nonces(address)", voter, types=["uint256"]) == nonce + 1
    # replays: the same signature again, or the old nonce on another proposal
    expect_revert(lambda: cast_by_sig(dn, p1, 1, voter, sig), *bad_sig)
    _, sig2 = sign_ballot(dn, key, p2, 0, voter, nonce)
    expect_revert(lambda: cast_by_sig(dn, p2, 0, voter, sig2), *bad_sig)
    _, sig2 = sign_ballot(dn, key, p2, 0, voter, nonce + 1)
    rc = cast_by_sig(dn, p2, 0, voter, sig2)
    assert dn.call(dn.governor, "hasVoted(uint256,address)", p2, voter, types=["bool"])


def test_eip1271_wallet_votes(devnet):
    dn = devnet
    wallet = dn.wallet
    owner_key, new_owner = dn.key(0), dn.addr(2)
    assert dn.call(wallet, "owner()", types=["address"]) == dn.addr(0).lower()
    _, ev1, _ = propose(dn, "Wallet vote 1", 1)
    _, ev2, _ = propose(dn, "Wallet vote 2", 1)
    _, ev3, _ = propose(dn, "Wallet vote 3", 1)
    p1, p2, p3 = ev1["proposalId"], ev2["proposalId"], ev3["proposalId"]
    dn.mine(ev3["voteStart"] - dn.block_number() + 1)
    weight = dn.call(dn.token, "getPastVotes(address,uint256)", wallet, ev1["voteStart"], types=["uint256"])
    assert weight == int(dn.info["wallet"]["balance"]) > 0

    nonce = dn.call(dn.governor, "nonces(address)", wallet, types=["uint256"])
    signable, _ = sign_ballot(dn, owner_key, p1, 1, wallet, nonce)
    digest = typed_digest(signable)
    sig = Account.unsafe_sign_hash(digest, owner_key).signature
    magic = dn.call(wallet, "isValidSignature(bytes32,bytes)", digest, bytes(sig), types=["bytes4"])
    assert magic == bytes.fromhex("1626ba7e")
    rc = cast_by_sig(dn, p1, 1, wallet, sig)
    (lg,) = rc["logs"]
    assert lg["topics"][1] == "0x" + "0" * 24 + wallet[2:].lower()
    assert decode(["uint256", "uint8", "uint256", "string"], bytes.fromhex(lg["data"][2:]))[2] == weight

    # the owner hands the wallet over: the old owner's signatures stop working
    dn.transact(owner_key, wallet, "setOwner(address)", new_owner)
    nonce = dn.call(dn.governor, "nonces(address)", wallet, types=["uint256"])
    signable, _ = sign_ballot(dn, owner_key, p2, 1, wallet, nonce)
    old_sig = Account.unsafe_sign_hash(typed_digest(signable), owner_key).signature
    assert dn.call(wallet, "isValidSignature(bytes32,bytes)", typed_digest(signable), bytes(old_sig),
                   types=["bytes4"]) == bytes.fromhex("ffffffff")
    expect_revert(lambda: cast_by_sig(dn, p2, 1, wallet, old_sig),
                  "GovernorInvalidSignature(address)", ["address"], [wallet])
    new_sig = Account.unsafe_sign_hash(typed_digest(signable), dn.key(2)).signature
    cast_by_sig(dn, p2, 1, wallet, new_sig)
    # the wallet also votes directly (msg.sender = wallet), driven by its new owner
    rc = dn.transact(dn.key(2), wallet, "castVote(address,uint256,uint8)", dn.governor, p3, 2)
    (lg,) = [x for x in rc["logs"] if x["address"] == dn.governor.lower()]
    assert lg["topics"][1] == "0x" + "0" * 24 + wallet[2:].lower()
    with pytest.raises(RpcCallError):
        dn.transact(owner_key, wallet, "setOwner(address)", dn.addr(0))
    dn.transact(dn.key(2), wallet, "setOwner(address)", dn.addr(0))


def test_multicall3_aggregate3(devnet):
    dn = devnet
    sel = lambda s: keccak(text=s)[:4]
    calls = [
        (dn.token, False, sel("balanceOf(address)") + encode(["address"], [dn.addr(0)])),
        (dn.governor, False, sel("name()")),
        (dn.governor, True, sel("state(uint256)") + encode(["uint256"], [1])),   # reverts
        (dn.token, False, sel("totalSupply()")),
    ]
    data = sel("aggregate3((address,bool,bytes)[])") + encode(["(address,bool,bytes)[]"], [calls])
    out = dn.rpc.call("eth_call", {"to": dn.multicall, "input": "0x" + data.hex()})
    (results,) = decode(["(bool,bytes)[]"], bytes.fromhex(out[2:]))
    assert results[0] == (True, encode(["uint256"], [int(dn.accounts[0]["tokenBalance"])]))
    assert decode(["string"], results[1][1]) == ("Plenum Governor",)
    assert results[2] == (False, keccak(text="GovernorNonexistentProposal(uint256)")[:4] + encode(["uint256"], [1]))
    assert results[3][0] is True
    # the canonical Multicall3 address holds it
    assert dn.multicall == "0xcA11bde05977b3631167028862bE2a173976CA11"
    assert dn.rpc.call("eth_getCode", dn.multicall, "latest") != "0x"
    # allowFailure=false on a failing call reverts the whole batch
    calls[2] = (dn.governor, False, calls[2][2])
    data = sel("aggregate3((address,bool,bytes)[])") + encode(["(address,bool,bytes)[]"], [calls])
    with pytest.raises(RpcCallError) as ei:
        dn.rpc.call("eth_call", {"to": dn.multicall, "input": "0x" + data.hex()})
    assert ei.value.code == 3
    assert ei.value.message == "execution reverted: Multicall3: call failed"


def test_vote_with_params_and_expiry(devnet):
    dn = devnet
    desc = "Queued then left to expire"
    _, ev, _ = propose(dn, desc, 0)
    pid = ev["proposalId"]
    dn.mine(ev["voteStart"] - dn.block_number() + 1)
    rc = dn.transact(dn.key(0), dn.governor, "castVoteWithReasonAndParams(uint256,uint8,string,bytes)",
                     pid, 1, "with params", b"\x01\x02")
    (lg,) = rc["logs"]
    assert lg["topics"][0] == topic("VoteCastWithParams(address,uint256,uint8,uint256,string,bytes)")
    weight = dn.call(dn.token, "getPastVotes(address,uint256)", dn.addr(0), ev["voteStart"], types=["uint256"])
    assert decode(["uint256", "uint8", "uint256", "string", "bytes"], bytes.fromhex(lg["data"][2:])) == \
        (pid, 1, weight, "with params", b"\x01\x02")
    dn.mine(ev["voteEnd"] - dn.block_number() + 1)
    assert state(dn, pid) == SUCCEEDED
    dn.transact(dn.key(1), dn.governor, "queue(address[],uint256[],bytes[],bytes32)",
                [dn.governor], [0], [b""], keccak(text=desc))
    assert state(dn, pid) == QUEUED
    grace = dn.call(dn.governor, "GRACE_PERIOD()", types=["uint256"])
    assert grace == 14 * 24 * 3600
    dn.rpc.call("evm_increaseTime", hex(grace + 1))
    dn.rpc.call("evm_mine")
    assert state(dn, pid) == EXPIRED


def test_delegate_by_sig(devnet):
    dn = devnet
    signer = Account.create()
    dn.transact(dn.key(0), dn.token, "transfer(address,uint256)", signer.address, 77)
    nonce = dn.call(dn.token, "nonces(address)", signer.address, types=["uint256"])
    expiry = 2**40
    domain = {"name": "Plenum Vote", "version": "1", "chainId": dn.chain_id, "verifyingContract": dn.token}
    types = {"Delegation": [{"name": "delegatee", "type": "address"}, {"name": "nonce", "type": "uint256"},
                            {"name": "expiry", "type": "uint256"}]}
    signed = Account.sign_message(encode_typed_data(domain_data=domain, message_types=types, message_data={
        "delegatee": dn.addr(3), "nonce": nonce, "expiry": expiry}), signer.key)
    before = dn.call(dn.token, "getVotes(address)", dn.addr(3), types=["uint256"])
    dn.transact(dn.key(4), dn.token, "delegateBySig(address,uint256,uint256,uint8,bytes32,bytes32)",
                dn.addr(3), nonce, expiry, signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big"))
    assert dn.call(dn.token, "delegates(address)", signer.address, types=["address"]) == dn.addr(3).lower()
    assert dn.call(dn.token, "getVotes(address)", dn.addr(3), types=["uint256"]) == before + 77
    assert dn.call(dn.token, "nonces(address)", signer.address, types=["uint256"]) == nonce + 1
    with pytest.raises(RpcCallError):   # replay
        dn.transact(dn.key(4), dn.token, "delegateBySig(address,uint256,uint256,uint8,bytes32,bytes32)",
                    dn.addr(3), nonce, expiry, signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big"))


def test_unknown_selector_reverts(devnet):
    dn = devnet
    for target in (dn.governor, dn.wallet):
        with pytest.raises(RpcCallError) as ei:
            dn.rpc.call("eth_call", {"to": target, "input": "0x" + keccak(text="nothingHere()")[:4].hex()})
        assert ei.value.code == 3
        # plain ether is accepted, as OZ's receive()
        assert dn.rpc.call("eth_call", {"from": dn.addr(0), "to": target, "value": "0x1", "input": "0x"}) == "0x"
