"""Shared fixtures: each test module starts its own devnet through the CLI
(`devnet up --port 0 --state-dir <tmp>`), and stops it with `devnet down`."""

import json
import os
import subprocess
import sys

import pytest

DEVNET_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, DEVNET_DIR)

from plenumdev.client import Rpc, send_tx, encode_call, eth_call  # noqa: E402

DEVNET = os.path.join(DEVNET_DIR, "devnet")


def run_cli(*args, check=True, timeout=120):
    proc = subprocess.run([DEVNET, *args], capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"devnet {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


class Devnet:
    def __init__(self, state_dir, info):
        self.state_dir = state_dir
        self.info = info
        self.url = info["rpcUrl"]
        self.rpc = Rpc(self.url, no_faults=True)
        self.faulty = Rpc(self.url, no_faults=False)
        self.token = info["contracts"]["token"]
        self.governor = info["contracts"]["governor"]
        self.wallet = info["contracts"]["wallet"]
        self.multicall = info["contracts"]["multicall3"]
        self.accounts = info["accounts"]
        self.chain_id = info["chainId"]

    def key(self, i):
        return self.accounts[i]["privateKey"]

    def addr(self, i):
        return self.accounts[i]["address"]

    def call(self, to, signature, *args, types=None, block="latest"):
        return eth_call(self.rpc, to, encode_call(signature, *args), block=block, types=types)

    def transact(self, key, to, signature, *args, value=0, gas=None):
        return send_tx(self.rpc, key, to, encode_call(signature, *args), value=value, gas=gas)

    def mine(self, n=1):
        self.rpc.call("evm_mine", hex(n))

    def block_number(self):
        return int(self.rpc.call("eth_blockNumber"), 16)

    def stop(self):
        run_cli("down", "--state-dir", self.state_dir, check=False)


def start_devnet(tmp_path_factory, *extra, accounts=5):
    state_dir = str(tmp_path_factory.mktemp("devnet"))
    proc = run_cli("up", "--port", "0", "--state-dir", state_dir, "--accounts", str(accounts), *extra)
    info = json.loads(proc.stdout)
    with open(os.path.join(state_dir, "devnet.json")) as f:
        assert json.load(f) == info
    return Devnet(state_dir, info)


@pytest.fixture(scope="module")
def devnet(tmp_path_factory):
    d = start_devnet(tmp_path_factory)
    yield d
    d.stop()
