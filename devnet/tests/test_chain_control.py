"""Controls: reorgs (hashes change, logs go, re-included transactions move),
snapshots, mining and time."""

import pytest
from eth_utils import keccak

from plenumdev.client import RpcCallError

TRANSFER = "0x" + keccak(text="Transfer(address,address,uint256)").hex()


def transfer(dn, frm, to, amount):
    return dn.transact(dn.key(frm), dn.token, "transfer(address,uint256)", dn.addr(to), amount)


def test_reorg_replaces_blocks_and_drops_logs(devnet):
    dn = devnet
    dn.mine(3)
    r1 = transfer(dn, 0, 1, 1)
    r2 = transfer(dn, 1, 2, 2)
    dn.mine(1)
    head = dn.block_number()
    old = {n: dn.rpc.call("eth_getBlockByNumber", hex(n), False) for n in range(head - 4, head + 1)}
    logs_before = dn.rpc.call("eth_getLogs", {"fromBlock": hex(head - 3), "toBlock": hex(head),
                                              "address": dn.token, "topics": [TRANSFER]})
    assert {lg["transactionHash"] for lg in logs_before} == {r1["transactionHash"], r2["transactionHash"]}

    result = dn.rpc.call("devnet_reorg", "0x3", "0x3")
    assert result["commonAncestor"]["number"] == hex(head - 3)
    assert result["removedBlocks"] == [old[n]["hash"] for n in range(head - 2, head + 1)]
    assert set(result["dropped"]) == {r1["transactionHash"], r2["transactionHash"]}
    assert dn.block_number() == head
    # below the fork point nothing changed; above it every hash is new and parents link up
    assert dn.rpc.call("eth_getBlockByNumber", hex(head - 3), False)["hash"] == old[head - 3]["hash"]
    for n in range(head - 2, head + 1):
        new = dn.rpc.call("eth_getBlockByNumber", hex(n), False)
        assert new["hash"] != old[n]["hash"]
        assert new["parentHash"] == dn.rpc.call("eth_getBlockByNumber", hex(n - 1), False)["hash"]
        assert new["hash"] in result["addedBlocks"]
    assert dn.rpc.call("eth_getLogs", {"fromBlock": hex(head - 3), "toBlock": hex(head),
                                       "address": dn.token, "topics": [TRANSFER]}) == []
    assert dn.rpc.call("eth_getTransactionReceipt", r1["transactionHash"]) is None
    assert dn.rpc.call("eth_getTransactionByHash", r2["transactionHash"]) is None
    # the abandoned block is still known by hash (as geth keeps side blocks) but not canonical
    with pytest.raises(RpcCallError) as ei:
        dn.rpc.call("eth_getBalance", dn.addr(0), {"blockHash": old[head]["hash"], "requireCanonical": True})
    assert ei.value.message == "hash is not currently canonical"


def test_reorg_reincludes_transactions_in_other_blocks(devnet):
    dn = devnet
    r1 = transfer(dn, 2, 3, 5)
    r2 = transfer(dn, 3, 4, 6)
    head = dn.block_number()
    assert int(r2["blockNumber"], 16) == head
    result = dn.rpc.call("devnet_reorg", "0x2", "0x4", {"reinclude": "all"})
    assert dn.block_number() == head + 2
    assert {t["hash"] for t in result["reincluded"]} == {r1["transactionHash"], r2["transactionHash"]}
    for old in (r1, r2):
        new = dn.rpc.call("eth_getTransactionReceipt", old["transactionHash"])
        assert new is not None and new["status"] == "0x1"
        assert new["blockHash"] != old["blockHash"]
        assert new["blockNumber"] != old["blockNumber"]
        assert new["logs"][0]["blockHash"] == new["blockHash"]
    logs = dn.rpc.call("eth_getLogs", {"fromBlock": hex(head - 1), "toBlock": hex(head + 2),
                                       "address": dn.token, "topics": [TRANSFER]})
    assert {lg["transactionHash"] for lg in logs} == {r1["transactionHash"], r2["transactionHash"]}
    # choosing transactions: only r2 comes back, into the first new block
    r3 = transfer(dn, 4, 0, 7)
    r4 = transfer(dn, 4, 1, 8)
    result = dn.rpc.call("devnet_reorg", "0x2", "0x2", {"reinclude": [r3["transactionHash"]], "reincludeAt": "0x0"})
    assert [t["hash"] for t in result["reincluded"]] == [r3["transactionHash"]]
    assert result["dropped"] == [r4["transactionHash"]]
    assert dn.rpc.call("eth_getTransactionReceipt", r4["transactionHash"]) is None
    assert dn.rpc.call("eth_getTransactionReceipt", r3["transactionHash"])["blockNumber"] == r3["blockNumber"]


def test_reorg_shorter_and_bad_depth(devnet):
    dn = devnet
    dn.mine(4)
    head = dn.block_number()
    dn.rpc.call("devnet_reorg", "0x3", "0x1")
    assert dn.block_number() == head - 2
    with pytest.raises(RpcCallError) as ei:
        dn.rpc.call("devnet_reorg", hex(head + 10))
    assert ei.value.code == -32602


def test_snapshot_revert(devnet):
    dn = devnet
    sid = dn.rpc.call("evm_snapshot")
    head = dn.rpc.call("eth_getBlockByNumber", "latest", False)
    r = transfer(dn, 0, 4, 9)
    dn.mine(2)
    assert dn.rpc.call("evm_revert", sid) is True
    assert dn.rpc.call("eth_getBlockByNumber", "latest", False)["hash"] == head["hash"]
    assert dn.rpc.call("eth_getTransactionReceipt", r["transactionHash"]) is None
    assert dn.rpc.call("evm_revert", sid) is False  # used up
    dn.mine(1)
    assert dn.block_number() == int(head["number"], 16) + 1


def test_mine_and_time(devnet):
    dn = devnet
    n = dn.block_number()
    assert dn.rpc.call("evm_mine", "0x5") == "0x0"
    assert dn.block_number() == n + 5
    dn.rpc.call("evm_mine", {"blocks": "0x2"})
    assert dn.block_number() == n + 7
    t0 = int(dn.rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    dn.rpc.call("evm_increaseTime", hex(3600))
    dn.rpc.call("evm_mine")
    t1 = int(dn.rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    assert t1 - t0 >= 3600
    target = t1 + 10_000
    assert dn.rpc.call("evm_setNextBlockTimestamp", hex(target)) == hex(target)
    dn.rpc.call("evm_mine")
    assert int(dn.rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"], 16) == target
    dn.rpc.call("evm_mine")
    assert int(dn.rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"], 16) > target
    with pytest.raises(RpcCallError):
        dn.rpc.call("evm_setNextBlockTimestamp", hex(target))
    # the next transaction's block carries the forced timestamp too
    dn.rpc.call("evm_setNextBlockTimestamp", hex(target + 5000))
    r = transfer(dn, 0, 1, 1)
    assert int(dn.rpc.call("eth_getBlockByNumber", r["blockNumber"], False)["timestamp"], 16) == target + 5000
