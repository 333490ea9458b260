"""The ERC-6372 timestamp clock: token and governor in mode=timestamp,
proposal timepoints in seconds, state moving with the chain's time."""

import pytest
from eth_utils import keccak

from conftest import start_devnet
from test_governance import propose, state, PENDING, ACTIVE, SUCCEEDED, DEFEATED


@pytest.fixture(scope="module")
def tsnet(tmp_path_factory):
    d = start_devnet(tmp_path_factory, "--clock", "timestamp", accounts=4)
    yield d
    d.stop()


def latest(dn):
    return dn.rpc.call("eth_getBlockByNumber", "latest", False)


def advance(dn, seconds):
    dn.rpc.call("evm_increaseTime", hex(seconds))
    dn.rpc.call("evm_mine")


def test_clock_mode(tsnet):
    dn = tsnet
    assert dn.info["clockMode"] == "timestamp"
    ts = int(latest(dn)["timestamp"], 16)
    for c in (dn.token, dn.governor):
        assert dn.call(c, "CLOCK_MODE()", types=["string"]) == "mode=timestamp"
        assert dn.call(c, "clock()", types=["uint48"]) == ts


def test_timestamp_lifecycle(tsnet):
    dn = tsnet
    delay, period = dn.info["governor"]["votingDelay"], dn.info["governor"]["votingPeriod"]
    rc, ev, _ = propose(dn, "Timestamp-clock proposal", 0)
    pid = ev["proposalId"]
    t_prop = int(dn.rpc.call("eth_getBlockByNumber", rc["blockNumber"], False)["timestamp"], 16)
    assert ev["voteStart"] == t_prop + delay
    assert ev["voteEnd"] == t_prop + delay + period
    assert state(dn, pid) == PENDING
    dn.mine(3)  # blocks alone do not open the vote: only time does
    if int(latest(dn)["timestamp"], 16) <= ev["voteStart"]:
        assert state(dn, pid) == PENDING
    advance(dn, delay + 1)
    assert int(latest(dn)["timestamp"], 16) > ev["voteStart"]
    assert state(dn, pid) == ACTIVE
    weight = dn.call(dn.token, "getPastVotes(address,uint256)", dn.addr(0), ev["voteStart"], types=["uint256"])
    assert weight == int(dn.accounts[0]["tokenBalance"])
    dn.transact(dn.key(0), dn.governor, "castVote(uint256,uint8)", pid, 1)
    assert state(dn, pid) == ACTIVE
    advance(dn, period + 1)
    assert int(latest(dn)["timestamp"], 16) > ev["voteEnd"]
    supply = dn.call(dn.token, "getPastTotalSupply(uint256)", ev["voteStart"], types=["uint256"])
    quorum = supply * dn.info["governor"]["quorumNumerator"] // 100
    assert dn.call(dn.governor, "quorum(uint256)", ev["voteStart"], types=["uint256"]) == quorum
    assert weight >= quorum
    assert state(dn, pid) == SUCCEEDED


def test_timestamp_defeated(tsnet):
    dn = tsnet
    rc, ev, _ = propose(dn, "Timestamp-clock proposal voted down", 1)
    pid = ev["proposalId"]
    advance(dn, dn.info["governor"]["votingDelay"] + 1)
    dn.transact(dn.key(0), dn.governor, "castVote(uint256,uint8)", pid, 0)
    dn.transact(dn.key(1), dn.governor, "castVote(uint256,uint8)", pid, 1)
    advance(dn, dn.info["governor"]["votingPeriod"] + 1)
    assert state(dn, pid) == DEFEATED
