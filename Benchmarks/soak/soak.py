"""Soak: `plenum serve` on a devnet with injected RPC faults, driven by a load generator for a
while, its memory sampled; at the end every proposal's signed result must equal a tally this
script computes on its own from the ballots the hub acknowledged (no faults touch that reference).

Run from the repository root with the devnet's Python (eth-account is the signer):
    devnet/.venv/bin/python Benchmarks/soak/soak.py --minutes 30 [--plenum .build/release/plenum]
It prints progress on stderr and a JSON summary on stdout; --csv FILE writes the RSS samples.
Exit 0 when every result matched, the service never died and logged no error; 1 otherwise.
"""
import argparse, json, os, random, shutil, signal, subprocess, sys, tempfile, threading, time
import urllib.error, urllib.request

from eth_account import Account
from eth_account.messages import encode_typed_data

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FAULTS = ("seed=11,http429=0.04,http429_retry_after=0.02:1,rpc429=0.04,batch429=0.04,hang=0.01:1s,"
          "stale_head=0.05:2,empty_logs=0.05,malformed=0.02")


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, file=sys.stderr, flush=True)


def http(method, url, body=None, headers=None, timeout=15):
    data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class Devnet:
    def __init__(self, state, port, accounts):
        self.state = state
        out = subprocess.run([os.path.join(ROOT, "devnet/devnet"), "up", "--state-dir", state, "--port", str(port),
                              "--accounts", str(accounts)], check=True, capture_output=True, text=True).stdout
        self.info = json.loads(out)
        self.url = self.info["rpcUrl"]

    def control(self, method, params):
        status, answer = http("POST", self.url, {"jsonrpc": "2.0", "id": 1, "method": method, "params": params},
                              headers={"X-Devnet-No-Faults": "1"})
        if status != 200 or "error" in answer:
            raise RuntimeError(f"{method}: {answer}")
        return answer["result"]

    def mine(self, n):
        self.control("evm_mine", [hex(n)])

    def head(self):
        return int(self.control("eth_blockNumber", []), 16)

    def propose(self, description):
        out = subprocess.run([os.path.join(ROOT, "devnet/devnet"), "propose", "--state-dir", self.state, description],
                             check=True, capture_output=True, text=True).stdout
        return int(out.strip().splitlines()[-1])

    def down(self):
        subprocess.run([os.path.join(ROOT, "devnet/devnet"), "down", "--state-dir", self.state], capture_output=True)


class Serve:
    """`plenum serve` in a folder of its own; its log in serve.log."""

    def __init__(self, plenum, folder, devnet):
        self.folder = folder
        os.makedirs(os.path.join(folder, "proposals"))
        subprocess.run([plenum, "keys", "new", "--out", os.path.join(folder, "bot.key")], check=True, capture_output=True)
        governor = devnet.info["contracts"]["governor"] if "contracts" in devnet.info else devnet.info["governor"]["address"]
        with open(os.path.join(folder, "plenum.toml"), "w") as f:
            f.write(f"""channels = "proposals"
[storage]
path = "plenum.sqlite"
[bot]
key = "bot.key"
[hub]
port = 0
name = "soak"
requests_per_ip = 100000
posts_per_ip = 100000
posts_per_address = 1000
[chains.devnet]
chain_id = {devnet.info["chainId"]}
rpc = ["{devnet.url}"]
confirmations = 2
poll_interval = "200ms"
""")
        with open(os.path.join(folder, "proposals", "devnet.toml"), "w") as f:
            f.write(f'chain = "devnet"\ngovernor = "{governor}"\nstart_block = 0\n[gating]\nrule = "anyone"\n')
        self.log_path = os.path.join(folder, "serve.log")
        self.log_file = open(self.log_path, "w")
        env = dict(os.environ, PLENUM_LOG_LEVEL="warning")
        self.process = subprocess.Popen([plenum, "serve", "--config", os.path.join(folder, "plenum.toml")],
                                        stdout=subprocess.DEVNULL, stderr=self.log_file, env=env)
        deadline = time.time() + 120
        while time.time() < deadline:
            text = open(self.log_path).read()
            if "chat hub on " in text:
                self.hub = text.split("chat hub on ", 1)[1].split(",", 1)[0].split(";", 1)[0].strip()
                return
            if self.process.poll() is not None:
                raise RuntimeError("plenum serve exited: " + text[-2000:])
            time.sleep(0.1)
        raise RuntimeError("plenum serve did not start")

    def rss_kb(self):
        try:
            with open(f"/proc/{self.process.pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except OSError:
            return None

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return None


def signed_chat(key, hub, group, body):
    sender = Account.from_key(key).address
    message = {"hub": hub, "group": group, "sender": sender, "body": body, "timestamp": int(time.time() * 1000),
               "nonce": os.urandom(32)}
    data = {"types": {"EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"}],
                      "ChatMessage": [{"name": "hub", "type": "string"}, {"name": "group", "type": "string"},
                                      {"name": "sender", "type": "address"}, {"name": "body", "type": "string"},
                                      {"name": "timestamp", "type": "uint64"}, {"name": "nonce", "type": "bytes32"}]},
            "primaryType": "ChatMessage", "domain": {"name": "Plenum Chat", "version": "1"}, "message": message}
    signature = Account.sign_message(encode_typed_data(full_message=data), key).signature.hex()
    posted = dict(message, nonce="0x" + message["nonce"].hex())
    return {"message": posted, "signature": "0x" + signature.removeprefix("0x")}


def ballot(key, devnet, proposal, support, nonce):
    voter = Account.from_key(key).address
    governor = devnet.info["contracts"]["governor"] if "contracts" in devnet.info else devnet.info["governor"]["address"]
    domain = {"name": devnet.info["governor"]["name"], "version": "1", "chainId": devnet.info["chainId"],
              "verifyingContract": governor}
    types = {"EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                              {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
             "Ballot": [{"name": "proposalId", "type": "uint256"}, {"name": "support", "type": "uint8"},
                        {"name": "voter", "type": "address"}, {"name": "nonce", "type": "uint256"}]}
    message = {"proposalId": proposal, "support": support, "voter": voter, "nonce": nonce}
    signature = Account.sign_message(encode_typed_data(full_message={"types": types, "primaryType": "Ballot",
                                                                     "domain": domain, "message": message}), key).signature.hex()
    document = {"types": types, "primaryType": "Ballot", "domain": domain,
                "message": dict(message, proposalId=str(proposal), nonce=str(nonce)),
                "signature": "0x" + signature.removeprefix("0x")}
    return json.dumps(document, separators=(",", ":"))


def group_of(serve, key, deadline):
    while time.time() < deadline:
        after = 0
        while after is not None:
            status, answer = http("GET", f"{serve.hub}/v1/groups?after={after}&limit=500")
            if status != 200:
                break
            for g in answer.get("groups", []):
                if g.get("key") == key:
                    return g["id"]
            after = answer.get("next")
        time.sleep(0.2)
    return None


def messages(serve, group):
    out, after = [], 0
    while True:
        status, answer = http("GET", f"{serve.hub}/v1/groups/{group}/messages?after={after}&limit=500")
        page = (answer or {}).get("messages", []) if status == 200 else []
        out += page
        if len(page) < 500:
            return out
        after = page[-1]["seq"]


def wait_for(serve, group, predicate, deadline):
    while time.time() < deadline:
        found = predicate(messages(serve, group))
        if found:
            return found
        time.sleep(0.25)
    return None


def run_proposal(devnet, serve, voters, rng, index, stats):
    chain_id = devnet.info["chainId"]
    governor = (devnet.info["contracts"]["governor"] if "contracts" in devnet.info else devnet.info["governor"]["address"]).lower()
    pid = devnet.propose(f"Soak proposal {index}\nDriven by Benchmarks/soak/soak.py.")
    devnet.mine(3)
    key = f"gov:{chain_id}:{governor}:{pid}"
    group = group_of(serve, key, time.time() + 120)
    if group is None:
        return {"proposal": index, "ok": False, "problem": "no group within 120 s"}
    devnet.mine(2)
    # Ballots: each voter votes once; about a fifth change their vote once, some back to the first choice.
    acknowledged = []  # (seq, voter address, support)
    nonces = {}
    plan = []
    for v in rng.sample(voters, rng.randint(len(voters) // 2, len(voters))):
        plan.append((v, rng.choice([0, 1, 2])))
        if rng.random() < 0.2:
            plan.append((v, rng.choice([0, 1, 2])))
    rng.shuffle(plan)
    for v, support in plan:
        nonce = nonces.get(v["address"], 0)
        nonces[v["address"]] = nonce + 1
        body = ballot(v["privateKey"], devnet, pid, support, nonce)
        status, answer = http("POST", f"{serve.hub}/v1/groups/{group}/messages", signed_chat(v["privateKey"], "soak", group, body))
        stats["posted"] += 1
        if status == 201:
            acknowledged.append((answer["message"]["seq"], v["address"], support, int(v["tokenBalance"])))
        else:
            stats["refused"] += 1
    # Every acknowledged ballot gets its receipt before the deadline is passed.
    receipts = wait_for(serve, group, lambda ms: [m for m in ms if "PlenumReceipt" in m["body"]]
                        if sum("PlenumReceipt" in m["body"] for m in ms) >= len(acknowledged) else None, time.time() + 180)
    if receipts is None:
        return {"proposal": index, "ok": False, "problem": "receipts missing after 180 s"}
    devnet.mine(22)
    result = wait_for(serve, group, lambda ms: next((m for m in ms if '"TallyResult"' in m["body"]), None), time.time() + 180)
    if result is None:
        return {"proposal": index, "ok": False, "problem": "no result after 180 s"}
    # The reference: last ballot per voter in log order; For, Against, Abstain as the result lists them.
    last = {}
    for seq, address, support, weight in sorted(acknowledged):
        last[address] = (support, weight)
    scores = [0, 0, 0]
    for support, weight in last.values():
        scores[{1: 0, 0: 1, 2: 2}[support]] += weight
    signed = json.loads(result["body"])["message"]
    got = [int(s) for s in signed["scores"]]
    stats["ballots"] += len(acknowledged)
    ok = got == scores and int(signed["voters"]) == len(last)
    return {"proposal": index, "ok": ok, "expected": scores, "got": got, "ballots": len(acknowledged)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--plenum", default=None)
    parser.add_argument("--accounts", type=int, default=60)
    parser.add_argument("--port", type=int, default=18645)
    parser.add_argument("--faults", default=FAULTS)
    parser.add_argument("--csv", default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    plenum = args.plenum or next(p for p in (os.path.join(ROOT, ".build/release/plenum"), os.path.join(ROOT, ".build/debug/plenum"))
                                 if os.path.exists(p))
    work = tempfile.mkdtemp(prefix="plenum-soak-")
    devnet = Devnet(os.path.join(work, "devnet"), args.port, args.accounts)
    serve = None
    samples = []
    stop = threading.Event()
    try:
        serve = Serve(plenum, os.path.join(work, "serve"), devnet)
        devnet.control("devnet_setFaults", [args.faults])
        log(f"soak: plenum {plenum}, hub {serve.hub}, devnet {devnet.url}, faults {args.faults}, {args.minutes} min")
        started = time.time()

        def sample():
            while not stop.is_set():
                samples.append((round(time.time() - started, 1), serve.rss_kb()))
                stop.wait(5)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        rng = random.Random(7)
        voters = devnet.info["accounts"]
        stats = {"posted": 0, "refused": 0, "ballots": 0}
        outcomes = []
        index = 0
        while time.time() - started < args.minutes * 60:
            index += 1
            outcome = run_proposal(devnet, serve, voters, rng, index, stats)
            outcomes.append(outcome)
            log(f"proposal {index}: {'ok' if outcome['ok'] else 'MISMATCH'} {outcome.get('ballots', '')} ballots, "
                f"rss {samples[-1][1] if samples else '?'} kB")
            if serve.process.poll() is not None:
                break
        stop.set()
        faults = devnet.control("devnet_getFaults", [])
        injected = {}
        for entry in faults.get("log", []):
            for kind in entry.get("faults", []):
                injected[kind] = injected.get(kind, 0) + 1
        alive = serve.process.poll() is None
        status = serve.stop()
        text = open(serve.log_path).read()
        errors = [line for line in text.splitlines() if " error " in line or " critical " in line]
        warnings = {}
        for line in text.splitlines():
            if " warning " in line:
                what = line.split("] ", 1)[-1]
                warnings[what] = warnings.get(what, 0) + 1
        rss = [kb for _, kb in samples if kb]
        third = max(1, len(rss) // 3)
        summary = {
            "minutes": round((time.time() - started) / 60, 1), "proposals": len(outcomes),
            "matched": sum(o["ok"] for o in outcomes), "mismatched": [o for o in outcomes if not o["ok"]],
            "ballots": stats["ballots"], "posted": stats["posted"], "refusedByHub": stats["refused"],
            "serviceAliveAtEnd": alive, "exitStatusOnSIGTERM": status, "errorLines": errors[:20],
            "warningsByMessage": warnings,
            "rssKB": {"first": rss[0] if rss else None, "max": max(rss) if rss else None, "last": rss[-1] if rss else None,
                      "meanFirstThird": sum(rss[:third]) // third if rss else None,
                      "meanLastThird": sum(rss[-third:]) // third if rss else None, "samples": len(rss)},
            "faults": args.faults, "faultableRequests": faults.get("requests"),
            "faultsInjected (last 10,000)": injected,
        }
        if args.csv:
            with open(args.csv, "w") as f:
                f.write("seconds,rss_kb\n" + "".join(f"{t},{kb}\n" for t, kb in samples))
        print(json.dumps(summary, indent=1))
        ok = summary["proposals"] > 0 and not summary["mismatched"] and alive and status == 0 and not errors
        return 0 if ok else 1
    finally:
        stop.set()
        if serve and serve.process.poll() is None:
            serve.process.kill()
        devnet.down()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"work folder kept: {work}")


if __name__ == "__main__":
    sys.exit(main())
