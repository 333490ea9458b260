"""Writes the seed inputs that are generated rather than captured: Snapshot `Vote` ballots signed
with eth-account (one per choice type), ABI encodings made with eth-abi, configuration files made
from the shipped examples, and export lines cut from FuzzExportLine's reference export. Run with the
devnet's Python: devnet/.venv/bin/python Tests/Fuzz/make-seeds.py (the outputs are committed)."""
import json, os, subprocess, tempfile
from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_typed_data

here = os.path.dirname(os.path.abspath(__file__))
key = "0x" + "a1" * 32
voter = Account.from_key(key).address

def vote(name, choice_type, choice):
    data = {
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"}],
            "Vote": [
                {"name": "from", "type": "string"}, {"name": "space", "type": "string"},
                {"name": "timestamp", "type": "uint64"}, {"name": "proposal", "type": "string"},
                {"name": "choice", "type": choice_type}, {"name": "reason", "type": "string"},
                {"name": "app", "type": "string"}, {"name": "metadata", "type": "string"},
            ],
        },
        "primaryType": "Vote",
        "domain": {"name": "snapshot", "version": "0.1.4"},
        "message": {
            "from": voter, "space": "treasury", "timestamp": 1767225600,
            "proposal": "0x" + "5f" * 32, "choice": choice, "reason": "seed", "app": "plenum", "metadata": "{}",
        },
    }
    signed = Account.sign_message(encode_typed_data(full_message=data), key)
    data["signature"] = "0x" + signed.signature.hex().removeprefix("0x")
    text = json.dumps(data, separators=(",", ":"))
    for folder in ("FuzzBallot", "FuzzTypedData", "FuzzJSON"):
        with open(os.path.join(here, "Corpus", folder, f"snapshot-{name}"), "w") as f:
            f.write(text)

vote("single", "uint32", 2)
vote("ranked", "uint32[]", [2, 1, 3])
vote("weighted", "string", json.dumps({"1": 2, "3": 1}))

# FuzzABI: the first byte picks the type list (its index in FuzzABI.swift), the rest is the data.
abi_seeds = {
    0: (["uint256"], [2**255 + 7]),
    5: (["bytes"], [b"\x01\x02" * 20]),
    6: (["string"], ["grants round \u00e9"]),
    7: (["uint256[]"], [[1, 2, 3]]),
    8: (["string[]"], [["a", "bc", ""]]),
    9: (["(uint256,string)[]"], [[(1, "x"), (2, "yz")]]),
    11: (["address", "(bytes,uint8[])[]"], ["0x" + "11" * 20, [(b"\xaa", [1, 2]), (b"", [])]]),
    14: (["uint256", "address", "address[]", "uint256[]", "string[]", "bytes[]", "uint256", "uint256", "string"],
         [7, "0x" + "22" * 20, ["0x" + "33" * 20], [0], [""], [b"\x12\x34"], 12, 32, "Fund the grants round\nDetails"]),
    15: (["uint256", "uint8", "uint256", "string", "bytes"], [7, 1, 10**21, "because", b"\x01"]),
}
for index, (types, values) in abi_seeds.items():
    with open(os.path.join(here, "Corpus", "FuzzABI", f"types-{index}"), "wb") as f:
        f.write(bytes([index]) + encode(types, values))

# FuzzConfig: the first byte picks the file ("0" the service file, "1" a channel file), the rest is
# the file: the shipped examples, a channel using the other options, and broken variants.
root = os.path.dirname(os.path.dirname(here))
with open(os.path.join(root, "config", "plenum.toml")) as f:
    service = f.read()
with open(os.path.join(root, "proposals", "devnet-governor.toml")) as f:
    channel = f.read()

def replaced(text, *pairs):
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text

options_channel = """title = "Grants round"
chain = "devnet"
governor = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"
start_block = 12
confirmations = 3

[voting]
system = "ranked-choice"
choices = ["Alpha", "Beta", "Gamma"]
vote_change = "first-vote-is-final"
threshold = "2/3"
quorum_counting = [1, 2]

[power]
strategy = "sum"
of = [{ strategy = "erc20-votes", token = "0x5FbDB2315678afecb367f032d93F642f64180aa3" },
      { strategy = "allowlist", weights = { "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" = "1000" } }]

[quorum]
rule = "fraction"
token = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
numerator = 4
denominator = 100
source = "total-supply"

[gating]
rule = "allowlist"
members = ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"]

[reminders]
before = ["1h", "90s", "500ms"]

[webhooks]
urls = ["https://example.org/plenum-results"]
"""

config_seeds = {
    "service-example.toml": "0" + service,
    "channel-example.toml": "1" + channel,
    "channel-options.toml": "1" + options_channel,
    # Wrong types and ranges, an unknown key, a webhook without a secret, a non-HTTP RPC URL.
    "service-broken.toml": "0" + replaced(
        service, ("port = 8490", 'port = "8490"'), ("confirmations = 2", "confirmations = -1"),
        ('poll_interval = "1s"', 'poll_interval = "fast"'), ("max_log_range = 2000", "max_log_range = 2000\nmax_range = 5"),
        ("urls = []", 'urls = ["ftp://example.org"]'), ('rpc = ["http://127.0.0.1:8545"]', 'rpc = ["ws://127.0.0.1:8546"]')),
    # Not TOML at all: a string left open, then a key defined twice.
    "service-unterminated.toml": "0" + replaced(service, ('host = "127.0.0.1"', 'host = "127.0.0.1')),
    "service-duplicate-key.toml": "0" + replaced(service, ("port = 8490", "port = 8490\nport = 8491")),
    # CR LF line ends, and no chains at all.
    "service-crlf.toml": "0" + service.replace("\n", "\r\n"),
    "service-no-chains.toml": "0" + service.split("# One table per chain.")[0] + "[chains]\n",
    # A chain the service does not have, a bad address, a ranked vote without choices, bad rules.
    "channel-broken.toml": "1" + replaced(
        channel, ('chain = "devnet"', 'chain = "mainnet"'), ("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", "0xE7f1725E7734CE288F8367e1Bb143E90bb3F0512"),
        ('system = "basic"', 'system = "ranked-choice"'), ('threshold = "simple-majority"', 'threshold = "3/2"'),
        ('rule = "voting-power"', 'rule = "allowlist"\nmembers = ["0x1234"]'), ('before = ["2m"]', 'before = ["2 minutes", 5]')),
    "channel-quorum.toml": "1" + channel.replace("# [quorum]\n# ", "[quorum]\n").replace("# token", "token")
        .replace("# numerator = 4", "numerator = 400").replace("# denominator", "denominator").replace('# [power]\n# strategy', '[power]\nstrategy'),
}
for name, text in config_seeds.items():
    with open(os.path.join(here, "Corpus", "FuzzConfig", name), "w", newline="") as f:
        f.write(text)
with open(os.path.join(here, "Corpus", "FuzzConfig", "channel-not-utf8.toml"), "wb") as f:
    f.write(b"1" + channel.encode().replace(b"devnet-governor", b"devnet-\xff\xfegovernor", 1))

# FuzzExportLine: lines of the harness's reference export (6 ballots from 3 voters, made with
# ExportGenerator as `plenum-bench export-gen --ballots 6 --voters 3` makes it), which the built
# harness writes out when PLENUM_FUZZ_REFERENCE names a file (build it first: Tests/Fuzz/run
# --regress FuzzExportLine). The first byte, modulo 3, picks the mode: "0" lines after the
# reference header, "1" a replacement for line N (the second byte) of the reference, "2" a whole file.
harness = os.path.join(here, ".build", "release", "FuzzExportLine")
if not os.path.exists(harness):
    print("FuzzExportLine seeds skipped: build the harness first (Tests/Fuzz/run --regress FuzzExportLine)")
else:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "export.jsonl")
        subprocess.run([harness], check=True, capture_output=True, env={**os.environ, "PLENUM_FUZZ_REFERENCE": out,
                                                                      "ASAN_OPTIONS": "detect_leaks=0"})
        with open(out, "rb") as f:
            lines = f.read().split(b"\n")[:-1]
    kinds = [json.loads(line).get("type", "header") for line in lines]
    power = [i for i, k in enumerate(kinds) if k == "power"]
    messages = [i for i, k in enumerate(kinds) if k == "message"]
    bodies = {i: json.loads(lines[i])["body"] for i in messages}
    ballots = [i for i in messages if '"Ballot"' in bodies[i]]
    receipts = [i for i in messages if "PlenumReceipt" in bodies[i]]
    posted_result = [i for i in messages if "TallyResult" in bodies[i]][0]
    close = [i for i in messages if bodies[i] == "Voting is closed."][0]
    header = json.loads(json.loads(lines[0])["header"])
    vote_cast = json.dumps({"type": "vote-cast", "event": {
        "chainId": 31337, "governor": "0x5FbDB2315678afecb367f032d93F642f64180aa3", "blockNumber": 1200,
        "blockHash": "0x" + "ab" * 32, "transactionHash": "0x" + "cd" * 32, "logIndex": 3, "event": "VoteCast",
        "voter": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "proposalId": header["proposal"].split(":")[-1],
        "support": 1, "weight": "1000000000000000000", "reason": "on chain"}}, separators=(",", ":")).encode()
    nl = b"\n"
    export_seeds = {
        "lines-power": b"0" + nl.join(lines[i] for i in power) + nl,
        "lines-first-messages": b"0" + nl.join(lines[i] for i in power + messages[:3]) + nl,
        "lines-ballot-receipt": b"0" + lines[ballots[0]] + nl + lines[receipts[0]] + nl,
        "lines-close-result": b"0" + lines[close] + nl + lines[posted_result] + nl + vote_cast + nl + lines[-1] + nl,
        "file-header": b"2" + lines[0] + nl,
        "file-header-power": b"2" + lines[0] + nl + nl.join(lines[i] for i in power) + nl,
        "file-format-2": b"2" + lines[0].replace(b'"format":1', b'"format":2', 1) + nl,
    }
    for name, i in [("header", 0), ("power", power[0]), ("descriptor", messages[0]), ("ballot", ballots[0]),
                    ("receipt", receipts[0]), ("close", close), ("posted-result", posted_result), ("result", len(lines) - 1)]:
        export_seeds[f"replace-{name}"] = b"1" + bytes([i]) + lines[i]
    export_seeds["replace-ballot-with-vote-cast"] = b"1" + bytes([ballots[1]]) + vote_cast
    for name, data in export_seeds.items():
        assert len(data) < 20_000, name
        with open(os.path.join(here, "Corpus", "FuzzExportLine", name), "wb") as f:
            f.write(data)
