"""The command line end to end: up, propose, vote, proposal, mine,
advance-time, reorg, status, down; two devnets at once; --parent-pid;
failures reported clearly."""

import json
import os
import socket
import subprocess
import time

from eth_abi import encode
from eth_utils import keccak

from conftest import DEVNET, run_cli
from plenumdev.client import Rpc


def up(state_dir, *extra):
    t0 = time.monotonic()
    proc = run_cli("up", "--port", "0", "--state-dir", str(state_dir), *extra)
    return json.loads(proc.stdout), time.monotonic() - t0


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(pred, timeout=15.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_end_to_end(tmp_path):
    a = tmp_path / "a"
    b = tmp_path / "b"
    info_a, took = up(a, "--accounts", "3")
    assert took < 10, f"up took {took:.1f}s"
    info_b, _ = up(b, "--accounts", "2", "--clock", "timestamp")
    try:
        # two devnets side by side, each with its own port, chain and description
        assert info_a["port"] != info_b["port"] and info_a["pid"] != info_b["pid"]
        assert len(info_a["accounts"]) == 3 and len(info_b["accounts"]) == 2
        assert info_b["clockMode"] == "timestamp"
        for info, d in ((info_a, a), (info_b, b)):
            with open(d / "devnet.json") as f:
                assert json.load(f) == info
            assert Rpc(info["rpcUrl"]).call("eth_chainId") == hex(info["chainId"])
        sd = ["--state-dir", str(a)]
        status = json.loads(run_cli("status", *sd).stdout)
        assert status["running"] and status["rpcUrl"] == info_a["rpcUrl"]

        desc = "CLI proposal: approve account 1"
        call = keccak(text="approve(address,uint256)")[:4] + encode(["address", "uint256"],
                                                                      [info_a["accounts"][1]["address"], 9])
        out = json.loads(run_cli("propose", desc, "--target", info_a["contracts"]["token"],
                                 "--calldata", "0x" + call.hex(), "--json", *sd).stdout)
        pid = int(out["proposalId"])
        expected = int.from_bytes(keccak(encode(["address[]", "uint256[]", "bytes[]", "bytes32"], [
            [info_a["contracts"]["token"]], [0], [call], keccak(text=desc)])), "big")
        assert pid == expected
        plain = run_cli("propose", "A second proposal", *sd).stdout.strip()
        assert plain.isdigit()
        assert json.loads(run_cli("proposal", str(pid), *sd).stdout)["state"] == "Pending"
        run_cli("mine", "2", *sd)
        assert json.loads(run_cli("proposal", str(pid), *sd).stdout)["state"] == "Active"
        v = json.loads(run_cli("vote", str(pid), "for", "--reason", "ship it", *sd).stdout)
        assert int(v["weight"]) == int(info_a["accounts"][0]["tokenBalance"])
        v = json.loads(run_cli("vote", str(pid), "against", "--account", "1", *sd).stdout)
        assert v["voter"] == info_a["accounts"][1]["address"].lower()
        bad = run_cli("vote", str(pid), "for", *sd, check=False)
        assert bad.returncode != 0 and "vote failed" in bad.stderr
        before = int(Rpc(info_a["rpcUrl"]).call("eth_blockNumber"), 16)
        assert before == status["blockNumber"] + 2 + 2 + 2   # two proposals, two mined, two votes
        head = int(run_cli("mine", str(info_a["governor"]["votingPeriod"] + 1), *sd).stdout)
        assert head == before + info_a["governor"]["votingPeriod"] + 1
        p = json.loads(run_cli("proposal", str(pid), *sd).stdout)
        assert p["state"] == "Succeeded"
        assert int(p["votes"]["for"]) == int(info_a["accounts"][0]["tokenBalance"])
        assert int(p["votes"]["against"]) == int(info_a["accounts"][1]["tokenBalance"])

        t = json.loads(run_cli("advance-time", "3600", *sd).stdout)
        assert t["blockNumber"] == head + 1
        r = json.loads(run_cli("reorg", "2", "3", *sd).stdout)
        assert len(r["removedBlocks"]) == 2 and len(r["addedBlocks"]) == 3

        # a timestamp devnet: voting opens with time, not blocks
        sdb = ["--state-dir", str(b)]
        pid_b = run_cli("propose", "timestamp proposal", *sdb).stdout.strip()
        run_cli("mine", "3", *sdb)
        run_cli("advance-time", str(info_b["governor"]["votingDelay"] + 1), *sdb)
        assert json.loads(run_cli("proposal", pid_b, *sdb).stdout)["state"] == "Active"
    finally:
        run_cli("down", "--state-dir", str(a), check=False)
        run_cli("down", "--state-dir", str(b), check=False)
    for info, d in ((info_a, a), (info_b, b)):
        wait_until(lambda: not alive(info["pid"]), what="node exit")
        assert not (d / "devnet.json").exists()
        st = run_cli("status", "--state-dir", str(d), check=False)
        assert st.returncode == 1 and json.loads(st.stdout)["running"] is False
    # down again is harmless
    assert run_cli("down", "--state-dir", str(a), check=False).returncode == 0


def test_parent_pid_and_failures(tmp_path):
    # the node stops when the process named by --parent-pid dies
    parent = subprocess.Popen(["sleep", "300"])
    try:
        info, _ = up(tmp_path / "p", "--parent-pid", str(parent.pid), "--accounts", "1")
        assert alive(info["pid"])
        # a second `up` in the same state dir is refused
        again = run_cli("up", "--port", "0", "--state-dir", str(tmp_path / "p"), check=False)
        assert again.returncode != 0 and "already running" in again.stderr
    finally:
        parent.kill()
        parent.wait()
    wait_until(lambda: not alive(info["pid"]), what="node exit after its parent died")
    assert not (tmp_path / "p" / "devnet.json").exists()

    # a taken port: non-zero exit, a clear message, nothing left running
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    try:
        port = s.getsockname()[1]
        proc = run_cli("up", "--port", str(port), "--state-dir", str(tmp_path / "q"), check=False)
        assert proc.returncode != 0
        assert "cannot listen" in proc.stderr and proc.stdout == ""
    finally:
        s.close()
    proc = run_cli("up", "--port", "0", "--state-dir", str(tmp_path / "r"), "--faults", "bogus=1", check=False)
    assert proc.returncode != 0 and "unknown fault" in proc.stderr and proc.stdout == ""
    st = run_cli("status", "--state-dir", str(tmp_path / "missing"), check=False)
    assert st.returncode == 1


def test_script_is_executable():
    assert os.access(DEVNET, os.X_OK)
    proc = subprocess.run([DEVNET, "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    for cmd in ("up", "down", "status", "propose", "vote", "mine", "advance-time", "reorg", "faults"):
        assert cmd in proc.stdout
