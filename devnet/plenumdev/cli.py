"""`devnet` command line: up, down, status, propose, vote, mine, advance-time,
reorg, faults, proposal. Subcommands find the running node through
<state-dir>/devnet.json."""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

DEVNET_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_STATE_DIR = os.path.join(DEVNET_DIR, "state")
STATE_NAMES = ["Pending", "Active", "Canceled", "Defeated", "Succeeded", "Queued", "Expired", "Executed"]
SUPPORT = {"against": 0, "for": 1, "abstain": 2, "0": 0, "1": 1, "2": 2}


class CliError(Exception):
    pass


def err(msg):
    print(f"devnet: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- process bookkeeping

def _proc_start_time(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()
    if fields[0] == "Z":
        return None
    return fields[19]


def _pid_file(state_dir):
    return os.path.join(state_dir, "node.pid")


def _write_pid(state_dir, pid):
    with open(_pid_file(state_dir), "w") as f:
        f.write(f"{pid} {_proc_start_time(pid) or ''}\n")


def running_pid(state_dir):
    """pid of the node of this state dir if it is alive (checked against its start time), else None."""
    try:
        with open(_pid_file(state_dir)) as f:
            parts = f.read().split()
    except OSError:
        return None
    if not parts:
        return None
    pid = int(parts[0])
    start = _proc_start_time(pid)
    if start is None:
        return None
    if len(parts) > 1 and parts[1] != start:
        return None  # the pid was reused by another process
    return pid


def _alive(pid):
    return _proc_start_time(pid) is not None


def load_info(state_dir):
    path = os.path.join(state_dir, "devnet.json")
    try:
        with open(path) as f:
            info = json.load(f)
    except FileNotFoundError:
        raise CliError(f"no devnet.json in {state_dir}: is a devnet running there? (devnet up --state-dir {state_dir})")
    except ValueError as e:
        raise CliError(f"unreadable {path}: {e}")
    if running_pid(state_dir) is None and not _alive(info.get("pid", -1)):
        raise CliError(f"the devnet of {state_dir} is not running (stale devnet.json)")
    return info


def rpc_for(state_dir):
    from .client import Rpc
    info = load_info(state_dir)
    return info, Rpc(info["rpcUrl"], no_faults=True)


# ---------------------------------------------------------------- up / down / status

def server_args(a, state_dir):
    out = ["--state-dir", state_dir, "--port", str(a.port), "--host", a.host, "--clock", a.clock,
           "--accounts", str(a.accounts), "--safe-depth", str(a.safe_depth),
           "--finalized-depth", str(a.finalized_depth), "--quorum", str(a.quorum),
           "--proposal-threshold", str(a.proposal_threshold)]
    if a.faults:
        out += ["--faults", a.faults]
    if a.parent_pid:
        out += ["--parent-pid", str(a.parent_pid)]
    if a.voting_delay is not None:
        out += ["--voting-delay", str(a.voting_delay)]
    if a.voting_period is not None:
        out += ["--voting-period", str(a.voting_period)]
    return out


def cmd_up(a):
    t0 = time.time()
    state_dir = os.path.abspath(a.state_dir)
    os.makedirs(state_dir, exist_ok=True)
    pid = running_pid(state_dir)
    if pid is not None:
        raise CliError(f"a devnet is already running in {state_dir} (pid {pid}); run `devnet down --state-dir {state_dir}` first")
    if a.faults:
        from .faults import FaultConfig, SpecError
        try:
            FaultConfig.parse(a.faults)
        except SpecError as e:
            raise CliError(f"invalid --faults SPEC: {e}")
    if a.parent_pid and not _alive(a.parent_pid):
        raise CliError(f"--parent-pid {a.parent_pid} is not a running process")
    json_path = os.path.join(state_dir, "devnet.json")
    for stale in (json_path, _pid_file(state_dir)):
        try:
            os.unlink(stale)
        except FileNotFoundError:
            pass
    cmd = [sys.executable, "-m", "plenumdev.server"] + server_args(a, state_dir)
    env = dict(os.environ)
    env["PYTHONPATH"] = DEVNET_DIR + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONUNBUFFERED"] = "1"

    if a.foreground:
        _write_pid(state_dir, os.getpid())
        os.chdir(DEVNET_DIR)
        os.execve(sys.executable, cmd + ["--print-json"], env)

    log_path = os.path.join(state_dir, "node.log")
    with open(log_path, "wb") as logf:
        proc = subprocess.Popen(cmd, cwd=DEVNET_DIR, env=env, stdin=subprocess.DEVNULL, stdout=logf,
                                stderr=subprocess.STDOUT, start_new_session=True)
    _write_pid(state_dir, proc.pid)
    deadline = t0 + a.timeout
    info = None
    while True:
        code = proc.poll()
        if code is not None:
            raise CliError(f"the node exited with code {code} during startup; last lines of {log_path}:\n"
                           + _tail(log_path))
        try:
            with open(json_path) as f:
                candidate = json.load(f)
            if candidate.get("pid") == proc.pid:
                info = candidate
                break
        except (FileNotFoundError, ValueError):
            pass
        if time.time() > deadline:
            _kill_group(proc.pid)
            raise CliError(f"the node was not ready within {a.timeout}s; last lines of {log_path}:\n" + _tail(log_path))
        time.sleep(0.05)
    from .client import Rpc
    try:
        chain_id = int(Rpc(info["rpcUrl"], timeout=10).call("eth_chainId"), 16)
    except Exception as e:  # noqa: BLE001
        _kill_group(proc.pid)
        raise CliError(f"the node wrote devnet.json but does not answer at {info['rpcUrl']}: {e}")
    if chain_id != info["chainId"]:
        _kill_group(proc.pid)
        raise CliError(f"unexpected chain id {chain_id} at {info['rpcUrl']}")
    print(json.dumps(info, indent=2), flush=True)
    err(f"devnet up at {info['rpcUrl']} (pid {proc.pid}, ready in {time.time() - t0:.2f}s, state {state_dir})")
    return 0


def _tail(path, n=25):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return "(no log)"


def _kill_group(pid, grace=5.0):
    """SIGTERM the node's process group (it is a session leader), then SIGKILL if needed."""
    def send(sig):
        try:
            if os.getpgid(pid) == pid:
                os.killpg(pid, sig)
            else:
                os.kill(pid, sig)
        except ProcessLookupError:
            pass
    send(signal.SIGTERM)
    deadline = time.time() + grace
    while time.time() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    send(signal.SIGKILL)
    deadline = time.time() + 3
    while time.time() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return not _alive(pid)


def cmd_down(a):
    state_dir = os.path.abspath(a.state_dir)
    pid = running_pid(state_dir)
    if pid is None:
        try:
            with open(os.path.join(state_dir, "devnet.json")) as f:
                p = json.load(f).get("pid")
            if p and _alive(p) and "plenumdev.server" in _cmdline(p):
                pid = p
        except (OSError, ValueError):
            pass
    if pid is None:
        err(f"no devnet running in {state_dir}")
        _cleanup(state_dir)
        return 0
    ok = _kill_group(pid)
    _cleanup(state_dir)
    if not ok:
        raise CliError(f"could not stop pid {pid}")
    err(f"stopped the devnet of {state_dir} (pid {pid})")
    return 0


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _cleanup(state_dir):
    for name in ("devnet.json", "node.pid"):
        try:
            os.unlink(os.path.join(state_dir, name))
        except FileNotFoundError:
            pass


def cmd_status(a):
    state_dir = os.path.abspath(a.state_dir)
    try:
        info, rpc = rpc_for(state_dir)
    except CliError as e:
        print(json.dumps({"running": False, "stateDir": state_dir, "reason": str(e)}, indent=2))
        return 1
    try:
        live = rpc.call("devnet_info")
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"running": False, "stateDir": state_dir, "pid": info.get("pid"),
                          "reason": f"no answer at {info['rpcUrl']}: {e}"}, indent=2))
        return 1
    out = {"running": True, "rpcUrl": info["rpcUrl"], "pid": info["pid"], "stateDir": state_dir,
           "chainId": info["chainId"], "clockMode": info["clockMode"],
           "blockNumber": int(live["head"]["number"], 16), "head": live["head"],
           "timeOffset": live["timeOffset"], "safeDepth": live["safeDepth"],
           "finalizedDepth": live["finalizedDepth"], "faults": live["faults"], "contracts": info["contracts"]}
    print(json.dumps(out, indent=2))
    return 0


# ---------------------------------------------------------------- chain actions

def _key_for(info, account, key):
    if key:
        return key
    if account in (None, ""):
        account = "0"
    if account == "deployer":
        return info["deployer"]["privateKey"]
    try:
        i = int(account)
    except ValueError:
        for acc in info["accounts"]:
            if acc["address"].lower() == account.lower():
                return acc["privateKey"]
        raise CliError(f"unknown account {account!r}: give an index, an address of devnet.json, or 'deployer'")
    if not 0 <= i < len(info["accounts"]):
        raise CliError(f"account index {i} out of range (0..{len(info['accounts']) - 1})")
    return info["accounts"][i]["privateKey"]


def _parse_uint(text, what):
    try:
        return int(text, 0)
    except ValueError:
        raise CliError(f"{what} {text!r} is not a number")


def cmd_propose(a):
    from eth_utils import keccak
    from .client import send_tx, encode_call, decode_proposal_created, PROPOSAL_CREATED
    info, rpc = rpc_for(os.path.abspath(a.state_dir))
    gov = info["contracts"]["governor"]
    targets = a.target or [gov]
    calldatas = a.calldata or ["0x"] * len(targets)
    values = [_parse_uint(v, "value") for v in (a.value or ["0"] * len(targets))]
    if not (len(targets) == len(calldatas) == len(values)):
        raise CliError("--target, --calldata and --value must be given the same number of times")
    datas = [bytes.fromhex(c[2:] if c.startswith("0x") else c) for c in calldatas]
    data = encode_call("propose(address[],uint256[],bytes[],string)", targets, values, datas, a.description)
    receipt = send_tx(rpc, _key_for(info, a.account, a.key), gov, data)
    if receipt["status"] != "0x1":
        raise CliError(f"propose reverted (tx {receipt['transactionHash']})")
    topic0 = "0x" + keccak(text=PROPOSAL_CREATED).hex()
    logs = [lg for lg in receipt["logs"] if lg["topics"] and lg["topics"][0] == topic0]
    if not logs:
        raise CliError("no ProposalCreated event in the receipt")
    ev = decode_proposal_created(logs[0])
    if a.json:
        print(json.dumps({"proposalId": str(ev["proposalId"]), "proposalIdHex": hex(ev["proposalId"]),
                          "txHash": receipt["transactionHash"], "blockNumber": int(receipt["blockNumber"], 16),
                          "proposer": ev["proposer"], "voteStart": ev["voteStart"], "voteEnd": ev["voteEnd"],
                          "targets": list(ev["targets"]), "values": [str(v) for v in ev["values"]],
                          "calldatas": ["0x" + c.hex() for c in ev["calldatas"]],
                          "descriptionHash": "0x" + keccak(text=a.description).hex()}, indent=2))
    else:
        print(ev["proposalId"])
    return 0


def cmd_vote(a):
    from .client import send_tx, encode_call
    from eth_abi import decode
    info, rpc = rpc_for(os.path.abspath(a.state_dir))
    gov = info["contracts"]["governor"]
    support = SUPPORT.get(a.support.lower())
    if support is None:
        raise CliError("SUPPORT must be for, against, abstain (or 1, 0, 2)")
    pid = _parse_uint(a.proposal_id, "proposal id")
    if a.reason:
        data = encode_call("castVoteWithReason(uint256,uint8,string)", pid, support, a.reason)
    else:
        data = encode_call("castVote(uint256,uint8)", pid, support)
    key = _key_for(info, a.account, a.key)
    try:
        receipt = send_tx(rpc, key, gov, data)
    except Exception as e:  # noqa: BLE001
        raise CliError(f"vote failed: {e}")
    if receipt["status"] != "0x1":
        raise CliError(f"vote reverted (tx {receipt['transactionHash']})")
    weight = None
    for lg in receipt["logs"]:
        if lg["address"].lower() == gov.lower():
            weight = decode(["uint256", "uint8", "uint256", "string"], bytes.fromhex(lg["data"][2:]))[2]
    print(json.dumps({"txHash": receipt["transactionHash"], "blockNumber": int(receipt["blockNumber"], 16),
                      "voter": receipt["from"], "support": support, "weight": str(weight)}))
    return 0


def cmd_proposal(a):
    from .client import eth_call, encode_call
    info, rpc = rpc_for(os.path.abspath(a.state_dir))
    gov = info["contracts"]["governor"]
    pid = _parse_uint(a.proposal_id, "proposal id")
    try:
        state = eth_call(rpc, gov, encode_call("state(uint256)", pid), types=["uint8"])
    except Exception as e:  # noqa: BLE001
        raise CliError(f"no such proposal ({e})")
    against, for_, abstain = eth_call(rpc, gov, encode_call("proposalVotes(uint256)", pid),
                                      types=["uint256", "uint256", "uint256"])
    snapshot = eth_call(rpc, gov, encode_call("proposalSnapshot(uint256)", pid), types=["uint256"])
    deadline = eth_call(rpc, gov, encode_call("proposalDeadline(uint256)", pid), types=["uint256"])
    quorum = eth_call(rpc, gov, encode_call("quorum(uint256)", snapshot), types=["uint256"]) \
        if snapshot < eth_call(rpc, gov, encode_call("clock()"), types=["uint48"]) else None
    print(json.dumps({"proposalId": str(pid), "state": STATE_NAMES[state], "stateIndex": state,
                      "snapshot": snapshot, "deadline": deadline,
                      "votes": {"against": str(against), "for": str(for_), "abstain": str(abstain)},
                      "quorum": None if quorum is None else str(quorum)}, indent=2))
    return 0


def cmd_mine(a):
    _, rpc = rpc_for(os.path.abspath(a.state_dir))
    n = _parse_uint(a.n, "N")
    rpc.call("evm_mine", hex(n))
    print(int(rpc.call("eth_blockNumber"), 16))
    return 0


def cmd_advance_time(a):
    _, rpc = rpc_for(os.path.abspath(a.state_dir))
    secs = _parse_uint(a.seconds, "SECONDS")
    rpc.call("evm_increaseTime", hex(secs))
    rpc.call("evm_mine")
    head = rpc.call("eth_getBlockByNumber", "latest", False)
    print(json.dumps({"blockNumber": int(head["number"], 16), "timestamp": int(head["timestamp"], 16)}))
    return 0


def cmd_reorg(a):
    _, rpc = rpc_for(os.path.abspath(a.state_dir))
    params = [hex(_parse_uint(a.depth, "DEPTH"))]
    params.append(None if a.new_blocks is None else hex(_parse_uint(a.new_blocks, "NEW_BLOCKS")))
    opts = {}
    if a.reinclude:
        opts["reinclude"] = a.reinclude if a.reinclude in ("all", "none") else a.reinclude.split(",")
    if a.at is not None:
        opts["reincludeAt"] = hex(a.at)
    params.append(opts)
    print(json.dumps(rpc.call("devnet_reorg", *params), indent=2))
    return 0


def cmd_faults(a):
    _, rpc = rpc_for(os.path.abspath(a.state_dir))
    from .client import RpcCallError
    try:
        print(json.dumps(rpc.call("devnet_setFaults", a.spec), indent=2))
    except RpcCallError as e:
        raise CliError(e.message)
    return 0


# ---------------------------------------------------------------- parser

def build_parser():
    p = argparse.ArgumentParser(prog="devnet", description="Plenum development chain (py-evm + Vyper governance)")
    sub = p.add_subparsers(dest="cmd", required=True)

    def with_state(sp):
        sp.add_argument("--state-dir", default=DEFAULT_STATE_DIR, help="default: devnet/state")
        return sp

    up = with_state(sub.add_parser("up", help="start a node, deploy, fund; print devnet.json"))
    up.add_argument("--port", type=int, default=8545, help="0 picks a free port")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--clock", choices=("blocknumber", "timestamp"), default="blocknumber")
    up.add_argument("--accounts", type=int, default=10)
    up.add_argument("--faults", default=None, help="fault SPEC (see docs/devnet.md)")
    up.add_argument("--parent-pid", type=int, default=None, help="stop when this process dies")
    up.add_argument("--foreground", action="store_true", help="run in this process (log on stderr)")
    up.add_argument("--safe-depth", type=int, default=4)
    up.add_argument("--finalized-depth", type=int, default=8)
    up.add_argument("--voting-delay", type=int, default=None, help="default 1 block / 60 s")
    up.add_argument("--voting-period", type=int, default=None, help="default 20 blocks / 600 s")
    up.add_argument("--quorum", type=int, default=4, help="quorum numerator, denominator 100")
    up.add_argument("--proposal-threshold", type=int, default=0)
    up.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for readiness")
    up.set_defaults(fn=cmd_up)

    with_state(sub.add_parser("down", help="stop the node")).set_defaults(fn=cmd_down)
    with_state(sub.add_parser("status", help="is it running; head; faults")).set_defaults(fn=cmd_status)

    pr = with_state(sub.add_parser("propose", help="create a proposal; prints its id"))
    pr.add_argument("description")
    pr.add_argument("--target", action="append", help="repeatable; default: the governor itself")
    pr.add_argument("--calldata", action="append", help="repeatable hex; default 0x")
    pr.add_argument("--value", action="append", help="repeatable wei; default 0")
    pr.add_argument("--account", default=None, help="account index (default 0), address or 'deployer'")
    pr.add_argument("--key", default=None, help="private key instead of --account")
    pr.add_argument("--json", action="store_true")
    pr.set_defaults(fn=cmd_propose)

    vo = with_state(sub.add_parser("vote", help="cast a vote"))
    vo.add_argument("proposal_id")
    vo.add_argument("support", help="for|against|abstain or 1|0|2")
    vo.add_argument("--account", default=None)
    vo.add_argument("--key", default=None)
    vo.add_argument("--reason", default=None)
    vo.set_defaults(fn=cmd_vote)

    ps = with_state(sub.add_parser("proposal", help="state, votes and quorum of a proposal"))
    ps.add_argument("proposal_id")
    ps.set_defaults(fn=cmd_proposal)

    mi = with_state(sub.add_parser("mine", help="mine N blocks (default 1)"))
    mi.add_argument("n", nargs="?", default="1")
    mi.set_defaults(fn=cmd_mine)

    at = with_state(sub.add_parser("advance-time", help="move the clock forward and mine a block"))
    at.add_argument("seconds")
    at.set_defaults(fn=cmd_advance_time)

    ro = with_state(sub.add_parser("reorg", help="replace the last DEPTH blocks"))
    ro.add_argument("depth")
    ro.add_argument("new_blocks", nargs="?", default=None)
    ro.add_argument("--reinclude", default=None, help="all, none, or comma-separated tx hashes")
    ro.add_argument("--at", type=int, default=None, help="index of the new block receiving them")
    ro.set_defaults(fn=cmd_reorg)

    fa = with_state(sub.add_parser("faults", help="set the fault SPEC, or off"))
    fa.add_argument("spec")
    fa.set_defaults(fn=cmd_faults)
    return p


def main(argv=None):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `devnet status | head` ends quietly
    args = build_parser().parse_args(argv)
    try:
        return args.fn(args)
    except CliError as e:
        err(str(e))
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
