"""Fault injection: each mode answers as documented in docs/devnet.md, the
limits use the providers' wordings, and a seed gives a reproducible
sequence of faults."""

import json
import socket
import time
import urllib.error

import pytest
from eth_bloom import BloomFilter
from eth_utils import keccak

from conftest import run_cli, start_devnet
from plenumdev.client import Rpc, RpcCallError

START_SPEC = "seed=3,rpc429=1"


@pytest.fixture(scope="module")
def fnet(tmp_path_factory):
    d = start_devnet(tmp_path_factory, "--faults", START_SPEC, accounts=4)
    yield d
    d.stop()


def set_faults(dn, spec):
    return dn.rpc.call("devnet_setFaults", spec)


def req(method, params=(), rid=1):
    return {"jsonrpc": "2.0", "id": rid, "method": method, "params": list(params)}


def raw(dn, payload, timeout=30):
    return dn.faulty.post(json.dumps(payload).encode(), timeout=timeout)


def test_faults_from_start_and_control_exemption(fnet):
    dn = fnet
    assert dn.info["faults"] == START_SPEC
    status, _, body = raw(dn, req("eth_chainId", rid=5))
    assert status == 200
    assert json.loads(body) == {"jsonrpc": "2.0", "id": 5, "error": {
        "code": 429, "message": "Too Many Requests: rate limit exceeded"}}
    # the escape header and the control methods are never faulted
    assert dn.rpc.call("eth_chainId") == hex(dn.chain_id)
    for r in (req("evm_mine"), req("devnet_getFaults"), [req("evm_mine"), req("eth_chainId", rid=2)]):
        status, _, body = raw(dn, r)
        out = json.loads(body)
        assert status == 200
        assert all("error" not in x for x in (out if isinstance(out, list) else [out]))
    assert dn.rpc.call("devnet_getFaults")["spec"] == START_SPEC
    set_faults(dn, "off")
    assert dn.faulty.call("eth_chainId") == hex(dn.chain_id)


def test_http429(fnet):
    dn = fnet
    set_faults(dn, "http429=1")
    status, headers, body = raw(dn, req("eth_blockNumber"))
    assert status == 429
    assert "Retry-After" not in headers
    assert json.loads(body)["error"]["code"] == 429
    set_faults(dn, "http429_retry_after=1:7")
    status, headers, body = raw(dn, req("eth_blockNumber"))
    assert status == 429 and headers["Retry-After"] == "7"
    set_faults(dn, "off")


def test_rpc429_single_and_batch(fnet):
    dn = fnet
    set_faults(dn, "rpc429=1")
    status, _, body = raw(dn, req("eth_blockNumber", rid=42))
    assert status == 200 and json.loads(body)["error"]["code"] == 429 and json.loads(body)["id"] == 42
    set_faults(dn, "batch429=1")
    status, _, body = raw(dn, [req("eth_chainId", rid=i) for i in range(6)])
    out = json.loads(body)
    assert status == 200 and [x["id"] for x in out] == list(range(6))
    errors = [x for x in out if "error" in x]
    assert len(errors) == 1 and errors[0]["error"]["code"] == 429
    assert all(x["result"] == hex(dn.chain_id) for x in out if "result" in x)
    set_faults(dn, "off")


def test_hang(fnet):
    dn = fnet
    set_faults(dn, "hang=1:400ms")
    t0 = time.monotonic()
    assert dn.faulty.call("eth_chainId") == hex(dn.chain_id)
    assert time.monotonic() - t0 >= 0.4
    impatient = Rpc(dn.url, no_faults=False, timeout=0.1)
    with pytest.raises((socket.timeout, TimeoutError, urllib.error.URLError)):
        impatient.call("eth_chainId")
    set_faults(dn, "off")


def test_stale_head(fnet):
    dn = fnet
    dn.mine(5)
    head = dn.block_number()
    set_faults(dn, "stale_head=1:3")
    assert int(dn.faulty.call("eth_blockNumber"), 16) == head - 3
    # other methods still see the real head
    assert int(dn.faulty.call("eth_getBlockByNumber", "latest", False)["number"], 16) == head
    set_faults(dn, "off")


def test_empty_logs_with_matching_bloom(fnet):
    dn = fnet
    setup = hex(dn.info["setupBlock"])
    real = dn.rpc.call("eth_getLogs", {"blockHash": dn.rpc.call("eth_getBlockByNumber", setup, False)["hash"]})
    assert real
    block = dn.rpc.call("eth_getBlockByNumber", setup, False)
    bloom = BloomFilter(int(block["logsBloom"], 16))
    assert bytes.fromhex(dn.token[2:]) in bloom
    set_faults(dn, "empty_logs=1")
    assert dn.faulty.call("eth_getLogs", {"fromBlock": setup, "toBlock": setup, "address": dn.token}) == []
    set_faults(dn, "off")
    assert dn.faulty.call("eth_getLogs", {"fromBlock": setup, "toBlock": setup, "address": dn.token})


def test_tamper_logs_and_calls_and_the_honest_path(fnet):
    dn = fnet
    setup = hex(dn.info["setupBlock"])
    flt = {"fromBlock": setup, "toBlock": setup, "address": dn.token}
    real = dn.rpc.call("eth_getLogs", flt)
    assert real and any(len(x["data"]) >= 66 for x in real)
    balance = {"to": dn.token, "data": "0x70a08231" + "00" * 12 + dn.addr(0)[2:].lower()}
    truth = dn.rpc.call("eth_call", balance, "latest")
    set_faults(dn, "tamper_logs=1,tamper_calls=1")
    lied = dn.faulty.call("eth_getLogs", flt)
    assert len(lied) == len(real)
    for r, l in zip(real, lied):
        if len(r["data"]) < 66:
            assert l == r
            continue
        # only the last byte of the first data word differs
        assert l["data"] != r["data"] and l["data"][:64] == r["data"][:64] and l["data"][66:] == r["data"][66:]
        assert int(l["data"][64:66], 16) ^ int(r["data"][64:66], 16) == 1
        assert {k: v for k, v in l.items() if k != "data"} == {k: v for k, v in r.items() if k != "data"}
    lie = dn.faulty.call("eth_call", balance, "latest")
    assert int(lie, 16) ^ int(truth, 16) == 1
    # the same node on the path /nofaults (no header) answers honestly
    honest = Rpc(dn.url.rstrip("/") + "/nofaults", no_faults=False)
    assert honest.call("eth_getLogs", flt) == real
    assert honest.call("eth_call", balance, "latest") == truth
    # the node's own cached logs were not altered by the lie
    assert dn.rpc.call("eth_getLogs", flt) == real
    set_faults(dn, "off")
    assert dn.faulty.call("eth_getLogs", flt) == real


def test_malformed(fnet):
    dn = fnet
    set_faults(dn, "malformed=1")
    status, _, body = raw(dn, req("eth_getBlockByNumber", ["latest", False]))
    assert status == 200 and body
    with pytest.raises(ValueError):
        json.loads(body)
    set_faults(dn, "off")


def test_range_limit_wordings(fnet):
    dn = fnet
    while dn.block_number() < 620:
        dn.mine(620 - dn.block_number())
    q = {"fromBlock": "0x0", "toBlock": hex(600)}
    set_faults(dn, "range_limit=500")
    with pytest.raises(RpcCallError) as ei:
        dn.faulty.call("eth_getLogs", q)
    assert (ei.value.code, ei.value.message) == (-32602, "query block range 601 exceeds limit of 500")
    assert dn.faulty.call("eth_getLogs", {"fromBlock": "0x0", "toBlock": hex(499)}) is not None
    set_faults(dn, "range_limit=500,range_hint=1")
    with pytest.raises(RpcCallError) as ei:
        dn.faulty.call("eth_getLogs", q)
    assert ei.value.code == -32602
    assert ei.value.message.endswith("this block range should work: [0x0, 0x1f3]")
    hint = ei.value.message.rsplit("[", 1)[1].rstrip("]").split(", ")
    assert dn.faulty.call("eth_getLogs", {"fromBlock": hint[0], "toBlock": hint[1]}) is not None
    set_faults(dn, "range_limit=500,range_style=wide")
    with pytest.raises(RpcCallError) as ei:
        dn.faulty.call("eth_getLogs", q)
    assert (ei.value.code, ei.value.message) == (-32000, "block range is too wide")
    set_faults(dn, "seed=11,range_limit=500,range_style=mixed")
    seen = []
    for _ in range(30):
        with pytest.raises(RpcCallError) as ei:
            dn.faulty.call("eth_getLogs", q)
        seen.append((ei.value.code, ei.value.message[:20]))
    assert len(set(seen)) == 3
    set_faults(dn, "seed=11,range_limit=500,range_style=mixed")
    again = []
    for _ in range(30):
        with pytest.raises(RpcCallError) as ei:
            dn.faulty.call("eth_getLogs", q)
        again.append((ei.value.code, ei.value.message[:20]))
    assert again == seen
    set_faults(dn, "off")


def test_result_limit_and_hint(fnet):
    dn = fnet
    first = dn.block_number() + 1
    for i in range(4):   # each transfer logs Transfer + 2 DelegateVotesChanged
        dn.transact(dn.key(i), dn.token, "transfer(address,uint256)", dn.addr((i + 1) % 4), 10**18)
    last = dn.block_number()
    q = {"fromBlock": hex(first), "toBlock": hex(last), "address": dn.token}
    logs = dn.rpc.call("eth_getLogs", q)
    per_block = {}
    for lg in logs:
        per_block[int(lg["blockNumber"], 16)] = per_block.get(int(lg["blockNumber"], 16), 0) + 1
    limit = 7
    assert len(logs) > limit
    set_faults(dn, f"result_limit={limit}")
    with pytest.raises(RpcCallError) as ei:
        dn.faulty.call("eth_getLogs", q)
    assert (ei.value.code, ei.value.message) == (-32005, f"query returned more than {limit} results")
    set_faults(dn, f"result_limit={limit},range_hint=1")
    with pytest.raises(RpcCallError) as ei:
        dn.faulty.call("eth_getLogs", q)
    # the largest prefix of blocks holding at most `limit` logs, computed here
    acc, end = 0, first
    for n in range(first, last + 1):
        if acc + per_block.get(n, 0) > limit:
            break
        acc += per_block.get(n, 0)
        end = n
    assert ei.value.message == (f"query returned more than {limit} results. "
                                f"Try with this block range [{hex(first)}, {hex(end)}].")
    assert len(dn.faulty.call("eth_getLogs", dict(q, toBlock=hex(end)))) == acc
    set_faults(dn, "off")


def outcome(dn, payload):
    status, headers, body = raw(dn, payload)
    try:
        out = json.loads(body)
    except ValueError:
        return (status, headers.get("Retry-After"), "malformed")
    items = out if isinstance(out, list) else [out]
    return (status, headers.get("Retry-After"),
            tuple(x["error"]["code"] if "error" in x else (x["result"] if not isinstance(x["result"], list)
                                                            else len(x["result"])) for x in items))


SPEC = ("seed=7,http429=0.1,http429_retry_after=0.1,rpc429=0.1,batch429=0.2,hang=0.05:10ms,"
        "stale_head=0.2:2,empty_logs=0.2,malformed=0.05")


def run_sequence(dn, spec):
    set_faults(dn, spec)
    setup = hex(dn.info["setupBlock"])
    seq = []
    for i in range(80):
        if i % 3 == 0:
            payload = req("eth_blockNumber", rid=i)
        elif i % 3 == 1:
            payload = req("eth_getLogs", [{"fromBlock": setup, "toBlock": setup}], rid=i)
        else:
            payload = [req("eth_chainId", rid=i), req("eth_blockNumber", rid=i + 1000)]
        seq.append(outcome(dn, payload))
    log = dn.rpc.call("devnet_getFaults")["log"]
    set_faults(dn, "off")
    return seq, log


def test_same_seed_same_faults(fnet):
    dn = fnet
    first, log1 = run_sequence(dn, SPEC)
    second, log2 = run_sequence(dn, SPEC)
    assert first == second
    assert log1 == log2
    kinds = {f.split("[")[0] for entry in log1 for f in entry["faults"]}
    assert {"http429", "http429_retry_after", "rpc429", "stale_head", "empty_logs"} <= kinds
    other, _ = run_sequence(dn, SPEC.replace("seed=7", "seed=8"))
    assert other != first


def test_faults_subcommand_and_bad_spec(fnet):
    dn = fnet
    proc = run_cli("faults", "seed=5,stale_head=1:2", "--state-dir", dn.state_dir)
    assert json.loads(proc.stdout)["staleHeadLag"] == 2
    assert int(dn.faulty.call("eth_blockNumber"), 16) == dn.block_number() - 2
    proc = run_cli("faults", "off", "--state-dir", dn.state_dir)
    assert json.loads(proc.stdout)["active"] is False
    proc = run_cli("faults", "http429=2", "--state-dir", dn.state_dir, check=False)
    assert proc.returncode != 0 and "outside [0, 1]" in proc.stderr
    with pytest.raises(RpcCallError) as ei:
        dn.rpc.call("devnet_setFaults", "nonsense=1")
    assert ei.value.code == -32602
