"""The devnet node process: builds the chain, deploys the contracts, serves
JSON-RPC over HTTP, and describes itself in <state-dir>/devnet.json once it
answers. Started by `devnet up` (python -m plenumdev.server ...)."""

import argparse
import datetime
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MNEMONIC = "test test test test test test test test test test test junk"
HD_PATH = "m/44'/60'/0'/0"
MAX_BODY = 16 * 1024 * 1024


def log(msg):
    ts = datetime.datetime.now().strftime("%H:%M:%S.%f")[:-3]
    print(f"[{ts}] {msg}", file=sys.stderr, flush=True)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Answers are small and written in pieces: without TCP_NODELAY, Nagle's algorithm and the
    # client's delayed ACK add ~40 ms to every request on a kept-alive connection.
    disable_nagle_algorithm = True
    server_version = "PlenumDevnet/0.1"
    node = None  # set on the subclass

    def log_message(self, fmt, *args):  # keep the log for our own lines
        pass

    def _send(self, status, body, headers=None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_GET(self):
        self._send(200, b'{"status":"ok","info":"POST JSON-RPC 2.0 requests to this URL"}')

    def do_POST(self):
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            self._send(413, b'{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"request too large"}}')
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        no_faults = self.headers.get("X-Devnet-No-Faults", "").strip() not in ("", "0", "false") \
            or self.path.rstrip("/") == "/nofaults"
        status, headers, payload, hang = self.node.handle_http(body, no_faults=no_faults)
        if hang:
            time.sleep(hang)
        self._send(status, payload, headers)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def atomic_write_json(path, obj):
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def build_parser():
    p = argparse.ArgumentParser(prog="plenumdev.server", description="Plenum devnet node")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8545)
    p.add_argument("--state-dir", required=True)
    p.add_argument("--clock", choices=("blocknumber", "timestamp"), default="blocknumber")
    p.add_argument("--accounts", type=int, default=10)
    p.add_argument("--faults", default=None)
    p.add_argument("--parent-pid", type=int, default=None)
    p.add_argument("--safe-depth", type=int, default=4)
    p.add_argument("--finalized-depth", type=int, default=8)
    p.add_argument("--voting-delay", type=int, default=None)
    p.add_argument("--voting-period", type=int, default=None)
    p.add_argument("--quorum", type=int, default=4, help="quorum numerator (denominator 100)")
    p.add_argument("--proposal-threshold", type=int, default=0)
    p.add_argument("--cache-dir", default=None)
    p.add_argument("--print-json", action="store_true", help="print devnet.json on stdout when ready")
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    t0 = time.time()
    state_dir = os.path.abspath(args.state_dir)
    os.makedirs(state_dir, exist_ok=True)
    json_path = os.path.join(state_dir, "devnet.json")
    if args.accounts < 1 or args.accounts > 200:
        log("--accounts must be between 1 and 200")
        return 2

    from .faults import FaultConfig, SpecError
    try:
        FaultConfig.parse(args.faults)
    except SpecError as e:
        log(f"invalid --faults: {e}")
        return 2

    from eth_utils import to_checksum_address
    from .chain import DevChain
    from .contracts import compile_all, deploy_governance, MULTICALL3_ADDRESS
    from .keys import derive_keys
    from .node import Node
    log(f"imports done in {time.time() - t0:.2f}s")

    keys = derive_keys(MNEMONIC, args.accounts + 1, HD_PATH)
    deployer_key, account_keys = keys[0], list(keys[1:])
    compiled = compile_all(args.cache_dir, log=log)
    log(f"contracts ready in {time.time() - t0:.2f}s")
    dc = DevChain(keys, extra_alloc={MULTICALL3_ADDRESS: {
        "code": bytes.fromhex(compiled["Multicall3"]["bytecode_runtime"][2:])}},
        safe_depth=args.safe_depth, finalized_depth=args.finalized_depth)
    deployed = deploy_governance(dc, compiled, deployer_key, account_keys, clock_mode=args.clock,
                                 voting_delay=args.voting_delay, voting_period=args.voting_period,
                                 quorum_numerator=args.quorum, proposal_threshold=args.proposal_threshold)
    log(f"chain and contracts deployed in {time.time() - t0:.2f}s (head {dc.latest_number()})")

    abi_dir = os.path.join(state_dir, "abi")
    os.makedirs(abi_dir, exist_ok=True)
    abis = {}
    for key, name in (("token", "VotesToken"), ("governor", "Governor"), ("wallet", "SmartWallet"),
                      ("multicall3", "Multicall3")):
        path = os.path.join(abi_dir, f"{name}.json")
        atomic_write_json(path, compiled[name]["abi"])
        abis[key] = path

    node = Node(dc, args.faults)
    handler = type("BoundHandler", (Handler,), {"node": node})
    try:
        httpd = Server((args.host, args.port), handler)
    except OSError as e:
        log(f"cannot listen on {args.host}:{args.port}: {e}")
        return 3
    port = httpd.server_address[1]
    url = f"http://{args.host}:{port}"

    accounts = []
    for i, (k, bal) in enumerate(zip(account_keys, deployed["balances"])):
        accounts.append({"index": i, "address": to_checksum_address(k.public_key.to_canonical_address()),
                         "privateKey": "0x" + k.to_bytes().hex(), "tokenBalance": bal,
                         "delegate": "self"})
    info = {
        "version": 1,
        "rpcUrl": url,
        "host": args.host,
        "port": port,
        "chainId": dc.chain_id,
        "chainIdHex": hex(dc.chain_id),
        "clockMode": args.clock,
        "clockModeString": "mode=timestamp" if args.clock == "timestamp" else "mode=blocknumber&from=default",
        "pid": os.getpid(),
        "stateDir": state_dir,
        "logFile": os.path.join(state_dir, "node.log"),
        "startedAt": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "startupSeconds": None,
        "safeDepth": args.safe_depth,
        "finalizedDepth": args.finalized_depth,
        "faults": args.faults if FaultConfig.parse(args.faults).active else None,
        "parentPid": args.parent_pid,
        "setupBlock": deployed["setupBlock"],
        "setupLastBlock": deployed["setupLastBlock"],
        "contracts": deployed["contracts"],
        "token": deployed["token"],
        "governor": deployed["governor"],
        "wallet": deployed["wallet"],
        "deployer": {"address": to_checksum_address(deployer_key.public_key.to_canonical_address()),
                     "privateKey": "0x" + deployer_key.to_bytes().hex()},
        "accounts": accounts,
        "mnemonic": MNEMONIC,
        "abi": abis,
    }
    node.info = info

    stopping = threading.Event()

    def cleanup_and_exit(code=0):
        if stopping.is_set():
            return
        stopping.set()
        try:
            with open(json_path) as f:
                if json.load(f).get("pid") == os.getpid():
                    os.unlink(json_path)
        except (OSError, ValueError):
            pass
        log("node stopped")
        os._exit(code)

    def on_signal(signum, frame):
        log(f"signal {signum}: stopping")
        cleanup_and_exit(0)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    node.shutdown_hook = lambda: threading.Timer(0.1, cleanup_and_exit).start()

    if args.parent_pid:
        def watch_parent():
            while not stopping.is_set():
                try:
                    os.kill(args.parent_pid, 0)
                except ProcessLookupError:
                    log(f"parent process {args.parent_pid} is gone: stopping")
                    cleanup_and_exit(0)
                except PermissionError:
                    pass
                time.sleep(0.5)
        threading.Thread(target=watch_parent, daemon=True).start()

    serve = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    serve.start()
    info["startupSeconds"] = round(time.time() - t0, 2)
    atomic_write_json(json_path, info)
    log(f"listening on {url} (ready in {time.time() - t0:.2f}s)")
    if args.print_json:
        print(json.dumps(info, indent=2), flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
