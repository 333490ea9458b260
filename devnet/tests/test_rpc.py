"""The JSON-RPC surface: shapes, hex encoding, errors, batches, EIP-1898,
safe/finalized, raw EIP-1559 transactions, logs filters, and web3.py as a
client."""

import json
import re

import pytest
from eth_abi import encode
from eth_account import Account
from eth_utils import keccak
from web3 import Web3

from plenumdev.client import RpcCallError

QUANTITY = re.compile(r"^0x(0|[1-9a-f][0-9a-f]*)$")
DATA = re.compile(r"^0x([0-9a-f]{2})*$")


def post(dn, payload):
    status, headers, body = dn.rpc.post(payload if isinstance(payload, bytes) else json.dumps(payload).encode())
    return status, json.loads(body) if body else None


def test_chain_id_and_versions(devnet):
    assert devnet.rpc.call("eth_chainId") == hex(devnet.chain_id)
    assert devnet.rpc.call("net_version") == str(devnet.chain_id)
    assert devnet.chain_id == 131277322940537
    assert QUANTITY.match(devnet.rpc.call("eth_blockNumber"))


def test_block_shape_and_hex(devnet):
    dn = devnet
    latest = dn.rpc.call("eth_getBlockByNumber", "latest", False)
    for key in ("number", "timestamp", "gasLimit", "gasUsed", "baseFeePerGas", "size", "difficulty"):
        assert QUANTITY.match(latest[key]), (key, latest[key])
    for key in ("hash", "parentHash", "stateRoot", "receiptsRoot", "transactionsRoot", "mixHash"):
        assert DATA.match(latest[key]) and len(latest[key]) == 66
    assert DATA.match(latest["logsBloom"]) and len(latest["logsBloom"]) == 2 + 512
    assert latest["difficulty"] == "0x0"
    n = int(latest["number"], 16)
    parent = dn.rpc.call("eth_getBlockByNumber", hex(n - 1), False)
    assert latest["parentHash"] == parent["hash"]
    assert int(latest["timestamp"], 16) > int(parent["timestamp"], 16)
    assert dn.rpc.call("eth_getBlockByHash", latest["hash"], False) == latest
    assert dn.rpc.call("eth_getBlockByNumber", hex(n + 1000), False) is None
    assert dn.rpc.call("eth_getBlockByHash", "0x" + "ab" * 32, False) is None
    genesis = dn.rpc.call("eth_getBlockByNumber", "earliest", False)
    assert genesis["number"] == "0x0" and genesis["parentHash"] == "0x" + "00" * 32
    # a small devnet's set-up fits in one block, block 1
    assert dn.info["setupBlock"] == dn.info["setupLastBlock"] == 1
    # the setup block holds transactions; with fullTransactions they come as objects
    setup = dn.rpc.call("eth_getBlockByNumber", hex(dn.info["setupBlock"]), True)
    assert setup["transactions"] and isinstance(setup["transactions"][0], dict)
    assert setup["transactions"][0]["blockHash"] == setup["hash"]
    # the bloom of the block matches the logs of its receipts (checked with web3's bloom-free way: topics present)
    receipts = dn.rpc.call("eth_getBlockReceipts", setup["number"])
    assert len(receipts) == len(setup["transactions"])
    assert all(r["status"] == "0x1" for r in receipts)


def test_errors_as_geth(devnet):
    dn = devnet
    status, body = post(dn, b"{not json")
    assert status == 200 and body["error"]["code"] == -32700 and body["id"] is None
    _, body = post(dn, {"jsonrpc": "2.0", "id": 7, "method": "eth_nope", "params": []})
    assert body == {"jsonrpc": "2.0", "id": 7, "error": {
        "code": -32601, "message": "the method eth_nope does not exist/is not available"}}
    _, body = post(dn, {"jsonrpc": "2.0", "id": 8, "method": "eth_getBalance", "params": ["0x1234", "latest"]})
    assert body["error"]["code"] == -32602
    _, body = post(dn, {"jsonrpc": "2.0", "id": 9, "params": []})
    assert body["error"]["code"] == -32600
    _, body = post(dn, [])
    assert body["error"]["code"] == -32600
    _, body = post(dn, {"jsonrpc": "2.0", "id": 10, "method": "eth_call",
                        "params": [{"to": dn.token, "input": "0x"}, hex(10**6)]})
    assert body["error"] == {"code": -32000, "message": "header not found"}


def test_batches(devnet):
    dn = devnet
    _, body = post(dn, [
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
        {"jsonrpc": "2.0", "id": "two", "method": "eth_nope", "params": []},
        {"jsonrpc": "2.0", "id": 3, "method": "eth_getCode", "params": [dn.token, "latest"]},
        42,
    ])
    assert [r["id"] for r in body] == [1, "two", 3, None]
    assert body[0]["result"] == hex(dn.chain_id)
    assert body[1]["error"]["code"] == -32601
    assert len(body[2]["result"]) > 100
    assert body[3]["error"]["code"] == -32600


def test_revert_code_3_with_data(devnet):
    dn = devnet
    # Error(string) from a Vyper assert: geth's "execution reverted: <reason>"
    data = keccak(text="mint(address,uint256)")[:4] + encode(["address", "uint256"], [dn.addr(0), 1])
    with pytest.raises(RpcCallError) as ei:
        dn.rpc.call("eth_call", {"from": dn.addr(1), "to": dn.token, "input": "0x" + data.hex()})
    assert ei.value.code == 3
    assert ei.value.message == "execution reverted: only the minter"
    assert ei.value.data == "0x" + (keccak(text="Error(string)")[:4] + encode(["string"], ["only the minter"])).hex()
    with pytest.raises(RpcCallError) as ei:
        dn.rpc.call("eth_estimateGas", {"from": dn.addr(1), "to": dn.token, "input": "0x" + data.hex()})
    assert ei.value.code == 3 and ei.value.data.startswith("0x08c379a0")


def test_eip1559_raw_transaction_and_eip1898(devnet):
    dn = devnet
    dn.mine(5)
    acct = Account.from_key(dn.key(3))
    dest = Account.create().address
    before_block = dn.rpc.call("eth_getBlockByNumber", "latest", False)
    tip = int(dn.rpc.call("eth_maxPriorityFeePerGas"), 16)
    hist = dn.rpc.call("eth_feeHistory", "0x4", "latest", [25, 75])
    assert len(hist["baseFeePerGas"]) == 5 and len(hist["gasUsedRatio"]) == 4 and len(hist["reward"]) == 4
    next_base = int(hist["baseFeePerGas"][-1], 16)
    assert int(dn.rpc.call("eth_gasPrice"), 16) == next_base + tip
    nonce = int(dn.rpc.call("eth_getTransactionCount", acct.address, "latest"), 16)
    tx = {"type": 2, "chainId": dn.chain_id, "nonce": nonce, "to": dest, "value": 12345, "gas": 21000,
          "maxPriorityFeePerGas": tip, "maxFeePerGas": 2 * next_base + tip}
    signed = acct.sign_transaction(tx)
    tx_hash = dn.rpc.call("eth_sendRawTransaction", "0x" + signed.raw_transaction.hex())
    assert tx_hash == "0x" + signed.hash.hex()
    receipt = dn.rpc.call("eth_getTransactionReceipt", tx_hash)
    assert receipt["status"] == "0x1" and receipt["type"] == "0x2"
    assert receipt["from"] == acct.address.lower() and receipt["to"] == dest.lower()
    assert receipt["gasUsed"] == hex(21000)
    block = dn.rpc.call("eth_getBlockByNumber", receipt["blockNumber"], False)
    assert int(receipt["effectiveGasPrice"], 16) == min(tx["maxFeePerGas"], int(block["baseFeePerGas"], 16) + tip)
    got = dn.rpc.call("eth_getTransactionByHash", tx_hash)
    assert got["nonce"] == hex(nonce) and got["value"] == hex(12345) and got["input"] == "0x"
    assert Account.recover_transaction(signed.raw_transaction) == acct.address
    # the same transaction again, and a stale nonce
    with pytest.raises(RpcCallError) as ei:
        dn.rpc.call("eth_sendRawTransaction", "0x" + signed.raw_transaction.hex())
    assert ei.value.code == -32000 and "already known" in ei.value.message
    stale = acct.sign_transaction(dict(tx, value=1))
    with pytest.raises(RpcCallError) as ei:
        dn.rpc.call("eth_sendRawTransaction", "0x" + stale.raw_transaction.hex())
    assert ei.value.code == -32000 and ei.value.message.startswith("nonce too low")
    wrong_chain = acct.sign_transaction(dict(tx, nonce=nonce + 1, chainId=1))
    with pytest.raises(RpcCallError) as ei:
        dn.rpc.call("eth_sendRawTransaction", "0x" + wrong_chain.raw_transaction.hex())
    assert ei.value.code == -32000

    # EIP-1898: state at a block hash, canonical or by number
    assert dn.rpc.call("eth_getBalance", dest, {"blockHash": before_block["hash"]}) == "0x0"
    assert dn.rpc.call("eth_getBalance", dest, {"blockHash": block["hash"], "requireCanonical": True}) == hex(12345)
    assert dn.rpc.call("eth_getBalance", dest, {"blockNumber": before_block["number"]}) == "0x0"
    bal_data = keccak(text="balanceOf(address)")[:4] + encode(["address"], [acct.address])
    call = {"to": dn.token, "input": "0x" + bal_data.hex()}
    assert dn.rpc.call("eth_call", call, {"blockHash": block["hash"]}) == \
        dn.rpc.call("eth_call", call, block["number"])
    with pytest.raises(RpcCallError) as ei:
        dn.rpc.call("eth_call", call, {"blockHash": "0x" + "11" * 32})
    assert ei.value.code == -32000 and ei.value.message == "header for hash not found"


def test_eth_call_by_block_hash_sees_history(devnet):
    dn = devnet
    sel = keccak(text="balanceOf(address)")[:4] + encode(["address"], [dn.addr(4)])
    call = {"to": dn.token, "input": "0x" + sel.hex()}
    h_before = dn.rpc.call("eth_getBlockByNumber", "latest", False)["hash"]
    before = int(dn.rpc.call("eth_call", call, "latest"), 16)
    dn.transact(dn.key(4), dn.token, "transfer(address,uint256)", dn.addr(0), 10**18)
    assert int(dn.rpc.call("eth_call", call, {"blockHash": h_before}), 16) == before
    assert int(dn.rpc.call("eth_call", call, "latest"), 16) == before - 10**18


def test_safe_and_finalized_lag(devnet):
    dn = devnet
    dn.mine(12)
    latest = dn.block_number()
    safe = int(dn.rpc.call("eth_getBlockByNumber", "safe", False)["number"], 16)
    final = int(dn.rpc.call("eth_getBlockByNumber", "finalized", False)["number"], 16)
    assert latest - safe == dn.info["safeDepth"]
    assert latest - final == dn.info["finalizedDepth"]
    dn.rpc.call("devnet_setFinality", {"safe": 2, "finalized": 6})
    assert int(dn.rpc.call("eth_getBlockByNumber", "safe", False)["number"], 16) == latest - 2
    assert int(dn.rpc.call("eth_getBlockByNumber", "finalized", False)["number"], 16) == latest - 6
    dn.rpc.call("devnet_setFinality", {"safe": dn.info["safeDepth"], "finalized": dn.info["finalizedDepth"]})


def test_get_logs_filters(devnet):
    dn = devnet
    transfer = "0x" + keccak(text="Transfer(address,address,uint256)").hex()
    dvc = "0x" + keccak(text="DelegateVotesChanged(address,uint256,uint256)").hex()
    pad = lambda a: "0x" + "0" * 24 + a[2:].lower()
    setup = hex(dn.info["setupBlock"])
    everything = dn.rpc.call("eth_getLogs", {"fromBlock": setup, "toBlock": setup})
    assert everything and all(lg["removed"] is False for lg in everything)
    assert [int(lg["logIndex"], 16) for lg in everything] == list(range(len(everything)))
    mints = dn.rpc.call("eth_getLogs", {"fromBlock": setup, "toBlock": setup, "address": dn.token,
                                        "topics": [transfer, pad("0x" + "00" * 20)]})
    assert len(mints) == len(dn.accounts) + 1
    # address as a list, topic OR-lists and null wildcards
    both = dn.rpc.call("eth_getLogs", {"fromBlock": setup, "toBlock": setup, "address": [dn.token, dn.governor],
                                       "topics": [[transfer, dvc]]})
    assert len(both) == len([lg for lg in everything if lg["topics"][0] in (transfer, dvc)])
    to_acc1 = dn.rpc.call("eth_getLogs", {"fromBlock": setup, "toBlock": setup,
                                          "topics": [transfer, None, pad(dn.addr(1))]})
    assert len(to_acc1) == 1 and int(to_acc1[0]["data"], 16) == int(dn.accounts[1]["tokenBalance"])
    by_hash = dn.rpc.call("eth_getLogs", {"blockHash": everything[0]["blockHash"]})
    assert by_hash == everything
    assert dn.rpc.call("eth_getLogs", {"fromBlock": setup, "toBlock": setup, "address": dn.multicall}) == []
    with pytest.raises(RpcCallError) as ei:
        dn.rpc.call("eth_getLogs", {"fromBlock": "0x5", "toBlock": "0x3"})
    assert ei.value.code == -32000
    # each log is in its receipt with the same fields
    receipt = dn.rpc.call("eth_getTransactionReceipt", everything[0]["transactionHash"])
    assert receipt["logs"][0] == everything[0]


def test_web3_client(devnet):
    dn = devnet
    w3 = Web3(Web3.HTTPProvider(dn.url, request_kwargs={"headers": {"X-Devnet-No-Faults": "1"}}))
    assert w3.eth.chain_id == dn.chain_id
    block = w3.eth.get_block("latest")
    assert block["number"] == dn.block_number()
    with open(dn.info["abi"]["governor"]) as f:
        gov = w3.eth.contract(address=dn.governor, abi=json.load(f))
    assert gov.functions.name().call() == "Plenum Governor"
    assert gov.functions.quorumNumerator().call() == dn.info["governor"]["quorumNumerator"]
    acct = Account.from_key(dn.key(2))
    tx = gov.functions.propose([dn.governor], [0], [b""], "proposed through web3").build_transaction({
        "from": acct.address, "nonce": w3.eth.get_transaction_count(acct.address), "chainId": dn.chain_id})
    signed = acct.sign_transaction(tx)
    h = w3.eth.send_raw_transaction(signed.raw_transaction)
    receipt = w3.eth.wait_for_transaction_receipt(h, timeout=10)
    assert receipt["status"] == 1
    (ev,) = gov.events.ProposalCreated().process_receipt(receipt)
    assert ev["args"]["description"] == "proposed through web3"
    assert ev["args"]["proposalId"] == gov.functions.hashProposal(
        [dn.governor], [0], [b""], Web3.keccak(text="proposed through web3")).call()
    logs = w3.eth.get_logs({"fromBlock": receipt["blockNumber"], "toBlock": receipt["blockNumber"],
                            "address": dn.governor})
    assert len(logs) == 1 and logs[0]["transactionHash"] == h


def test_concurrent_clients(devnet):
    import threading
    dn = devnet
    errors = []

    def worker(i):
        from plenumdev.client import Rpc
        r = Rpc(dn.url)
        try:
            for _ in range(25):
                assert r.call("eth_chainId") == hex(dn.chain_id)
                r.call("eth_getBlockByNumber", "latest", True)
            dn.transact(dn.key(i % len(dn.accounts)), dn.token, "approve(address,uint256)", dn.addr(0), i) \
                if i < len(dn.accounts) else None
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
