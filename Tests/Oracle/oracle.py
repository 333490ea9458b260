#!/usr/bin/env python3
"""Independent oracle for Plenum's cross-check tests: eth-abi and eth-account, used as they are.

Each subcommand reads (when it needs to) a JSON document on stdin and writes one on stdout.
Generators take --seed and --count so that every failing case can be reproduced.

  abi-gen        random ABI types and values, encoded by eth-abi
  abi-check      decode and re-encode Swift-made encodings with eth-abi, compare with the values
  personal-gen   random EIP-191 messages signed by eth-account with random keys
  typed-gen      random nested EIP-712 typed data: digests and signatures from eth-account
  recover-check  recover signers of Swift-made EIP-191 / EIP-712 signatures with eth-account
  keystore-gen   keystore v3 files encrypted by eth-account
  keystore-check decrypt Swift-made keystores with eth-account
  tx-gen         random EIP-1559 transactions signed by eth-account
  ballot-gen     governor ballots (OpenZeppelin Ballot/ExtendedBallot, Bravo) and Snapshot votes (every
                 accepted Vote layout) signed by eth-account, some as EIP-2098 compact signatures, each
                 with ballots the same key signed for another chain, governor, proposal or space
  sha256-texts   SHA-256 of UTF-8 texts (to compare type layouts with Snapshot's hashedTypes.json)
  typed-sign     sign given EIP-712 typed data with given keys: digests and signatures
  snapshot-tally scores in floating point by Snapshot's published counting rules (snapshot.js
                 src/voting), restated here, to show Plenum's exact tallies follow the same semantics
  web3-votes     an ERC20Votes token's getPastVotes, getVotes and balanceOf for many addresses at
                 given blocks of a live node, read with web3.py (its contract API, batched requests)

Value notation shared with the Swift side: integers as decimal strings, addresses as EIP-55
strings, bytes and bytesN as 0x hex, strings as JSON strings, arrays and tuples as JSON arrays.
"""
import argparse
import hashlib
import hmac
import json
import math
import random
import sys

import eth_abi
from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data, _hash_eip191_message
from eth_utils import to_checksum_address

ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.,!?\"\\/\n\t" \
    "éüß€♥中文字😀𝄞\u0000\u001f\u2028"


# ---------------------------------------------------------------- ABI
def random_elementary(rng):
    kind = rng.choice(["uint", "int", "address", "bool", "bytesN", "bytes", "string"])
    if kind in ("uint", "int"):
        return f"{kind}{8 * rng.randint(1, 32)}"
    if kind == "bytesN":
        return f"bytes{rng.randint(1, 32)}"
    return kind


def random_type(rng, depth):
    r = rng.random()
    if depth >= 3 or r < 0.5:
        return random_elementary(rng)
    if r < 0.7:
        return random_type(rng, depth + 1) + "[]"
    if r < 0.85:
        return random_type(rng, depth + 1) + f"[{rng.randint(1, 3)}]"
    return "(" + ",".join(random_type(rng, depth + 1) for _ in range(rng.randint(1, 4))) + ")"


def split_top(inner):
    parts, depth, start = [], 0, 0
    for i, c in enumerate(inner):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    parts.append(inner[start:])
    return parts


def edge_int(rng, lo, hi):
    return rng.choice([lo, hi, 0 if lo <= 0 <= hi else lo, rng.randint(lo, hi), rng.randint(lo, hi)])


def random_text(rng, n):
    return "".join(rng.choice(ALPHABET) for _ in range(n))


def random_value(rng, t):
    """Returns (python value for eth-abi, JSON notation)."""
    if t.endswith("]"):
        open_ = t.rindex("[")
        element, size = t[:open_], t[open_ + 1:-1]
        n = int(size) if size else rng.randint(0, 4)
        pairs = [random_value(rng, element) for _ in range(n)]
        return [p[0] for p in pairs], [p[1] for p in pairs]
    if t.startswith("("):
        pairs = [random_value(rng, c) for c in split_top(t[1:-1])]
        return tuple(p[0] for p in pairs), [p[1] for p in pairs]
    if t.startswith("uint"):
        v = edge_int(rng, 0, 2 ** int(t[4:]) - 1)
        return v, str(v)
    if t.startswith("int"):
        bits = int(t[3:])
        v = edge_int(rng, -(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
        return v, str(v)
    if t == "address":
        a = to_checksum_address(bytes(rng.getrandbits(8) for _ in range(20)))
        return a, a
    if t == "bool":
        b = rng.random() < 0.5
        return b, b
    if t == "bytes":
        b = bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 31, 32, 33, 64, 65, rng.randint(0, 100)])))
        return b, "0x" + b.hex()
    if t.startswith("bytes"):
        b = bytes(rng.getrandbits(8) for _ in range(int(t[5:])))
        return b, "0x" + b.hex()
    if t == "string":
        s = random_text(rng, rng.choice([0, 1, 31, 32, 33, rng.randint(0, 60)]))
        return s, s
    raise ValueError(t)


def to_python(t, j):
    """JSON notation → eth-abi value."""
    if t.endswith("]"):
        element = t[:t.rindex("[")]
        return [to_python(element, x) for x in j]
    if t.startswith("("):
        return tuple(to_python(c, x) for c, x in zip(split_top(t[1:-1]), j))
    if t.startswith("uint") or t.startswith("int"):
        return int(j)
    if t == "address":
        return j
    if t == "bool":
        return j
    if t.startswith("bytes"):
        return bytes.fromhex(j[2:])
    return j


def to_json(t, v):
    """eth-abi decoded value → JSON notation."""
    if t.endswith("]"):
        element = t[:t.rindex("[")]
        return [to_json(element, x) for x in v]
    if t.startswith("("):
        return [to_json(c, x) for c, x in zip(split_top(t[1:-1]), v)]
    if t.startswith("uint") or t.startswith("int"):
        return str(v)
    if t == "address":
        return to_checksum_address(v)
    if t == "bool":
        return v
    if t.startswith("bytes"):
        return "0x" + bytes(v).hex()
    return v


def abi_gen(args):
    rng = random.Random(args.seed)
    cases = []
    for _ in range(args.count):
        types = [random_type(rng, 0) for _ in range(rng.randint(1, 4))]
        pairs = [random_value(rng, t) for t in types]
        encoded = eth_abi.encode(types, [p[0] for p in pairs])
        cases.append({"types": types, "values": [p[1] for p in pairs], "encoded": "0x" + encoded.hex()})
    return cases


def abi_check(args):
    results = []
    for case in json.load(sys.stdin):
        types, encoded = case["types"], bytes.fromhex(case["encoded"][2:])
        try:
            decoded = eth_abi.decode(types, encoded, strict=True)
            ok_values = [to_json(t, v) for t, v in zip(types, decoded)] == case["values"]
            reencoded = eth_abi.encode(types, [to_python(t, j) for t, j in zip(types, case["values"])])
            results.append({"ok": ok_values and reencoded == encoded,
                            "decodedMatches": ok_values, "encodingMatches": reencoded == encoded})
        except Exception as e:  # report, never hide
            results.append({"ok": False, "error": f"{type(e).__name__}: {e}"[:300]})
    return results


# ---------------------------------------------------------------- signatures
def random_key(rng):
    while True:
        k = rng.getrandbits(256)
        if 0 < k < 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141:
            return "0x" + k.to_bytes(32, "big").hex()


def personal_gen(args):
    rng = random.Random(args.seed)
    cases = []
    for i in range(args.count):
        key = random_key(rng)
        text = random_text(rng, rng.choice([0, 1, 5, 40, 200, rng.randint(0, 300)]))
        signable = encode_defunct(text=text)
        signed = Account.sign_message(signable, key)
        cases.append({"key": key, "address": Account.from_key(key).address, "message": text,
                      "digest": "0x" + signed.message_hash.hex(), "signature": "0x" + signed.signature.hex()})
    return cases


def random_typed(rng):
    names = ["Alpha", "Beta", "Gamma", "Delta"][:rng.randint(1, 4)]
    types = {}
    # A type may only reference types after it in the list, so there are no cycles.
    for i, name in enumerate(names):
        fields = []
        for f in range(rng.randint(1, 5)):
            later = names[i + 1:]
            r = rng.random()
            if later and r < 0.25:
                t = rng.choice(later)
            elif later and r < 0.35:
                t = rng.choice(later) + rng.choice(["[]", "[2]"])
            elif r < 0.5:
                t = random_elementary(rng) + rng.choice(["[]", "[1]", "[3]", "[][]"])
            else:
                t = random_elementary(rng)
            fields.append({"name": f"f{f}_{rng.randint(0, 99)}", "type": t})
        types[name] = fields
    # eth-account derives the primary type as the one no other type references: make every other
    # type referenced by an earlier one so that names[0] is the only root.
    for i, name in enumerate(names[1:], start=1):
        referrer = names[rng.randrange(i)]
        if not any(f["type"].split("[")[0] == name for n in names[:i] for f in types[n]):
            types[referrer].append({"name": f"ref{i}", "type": name + rng.choice(["", "[]"])})
    domain_fields = [("name", "string"), ("version", "string"), ("chainId", "uint256"),
                     ("verifyingContract", "address"), ("salt", "bytes32")]
    chosen = [d for d in domain_fields if rng.random() < 0.7] or [domain_fields[0]]
    types["EIP712Domain"] = [{"name": n, "type": t} for n, t in chosen]
    domain = {n: typed_value(rng, types, t) for n, t in chosen}
    if "chainId" in domain:
        domain["chainId"] = int(domain["chainId"])  # wallets send a number
    return {"types": types, "primaryType": names[0], "domain": domain,
            "message": typed_value(rng, types, names[0])}


def typed_value(rng, types, t):
    if t.endswith("]"):
        open_ = t.rindex("[")
        element, size = t[:open_], t[open_ + 1:-1]
        n = int(size) if size else rng.randint(0, 3)
        return [typed_value(rng, types, element) for _ in range(n)]
    if t in types:
        return {f["name"]: typed_value(rng, types, f["type"]) for f in types[t]}
    _, j = random_value(rng, t)
    if (t.startswith("uint") or t.startswith("int")) and rng.random() < 0.3 and abs(int(j)) < 2 ** 53:
        return int(j)  # sometimes a JSON number, as wallets send small integers
    return j


def typed_gen(args):
    rng = random.Random(args.seed)
    cases = []
    for _ in range(args.count):
        data = random_typed(rng)
        key = random_key(rng)
        signable = encode_typed_data(full_message=data)
        signed = Account.sign_message(signable, key)
        cases.append({"typedData": data, "key": key, "address": Account.from_key(key).address,
                      "domainSeparator": "0x" + signable.header.hex(), "structHash": "0x" + signable.body.hex(),
                      "digest": "0x" + _hash_eip191_message(signable).hex(), "signature": "0x" + signed.signature.hex()})
    return cases


def recover_check(args):
    results = []
    for case in json.load(sys.stdin):
        try:
            if "typedData" in case:
                signable = encode_typed_data(full_message=case["typedData"])
            else:
                signable = encode_defunct(text=case["message"])
            signer = Account.recover_message(signable, signature=case["signature"])
            results.append({"ok": signer == case["address"], "signer": signer})
        except Exception as e:
            results.append({"ok": False, "error": f"{type(e).__name__}: {e}"[:300]})
    return results


# ---------------------------------------------------------------- transactions
def tx_gen(args):
    """Random EIP-1559 transactions signed by eth-account."""
    rng = random.Random(args.seed)
    cases = []
    for _ in range(args.count):
        key = random_key(rng)
        tx = {
            "type": 2,
            "chainId": rng.choice([1, 137, 131277322940537, rng.randint(1, 2 ** 32)]),
            "nonce": rng.choice([0, 1, 127, 128, rng.randint(0, 2 ** 40)]),
            "maxPriorityFeePerGas": rng.choice([0, 1, 10 ** 9, rng.randint(0, 2 ** 64)]),
            "maxFeePerGas": rng.choice([1, 2 * 10 ** 9, rng.randint(0, 2 ** 80)]),
            "gas": rng.choice([21000, rng.randint(21000, 30_000_000)]),
            "to": to_checksum_address(bytes(rng.getrandbits(8) for _ in range(20))),
            "value": rng.choice([0, 1, 10 ** 18, rng.randint(0, 2 ** 128)]),
            "data": "0x" + bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 55, 56, 300]))).hex(),
            "accessList": [],
        }
        signed = Account.sign_transaction(tx, key)
        cases.append({"key": key, "tx": {k: (str(v) if isinstance(v, int) else v) for k, v in tx.items()},
                      "raw": "0x" + signed.raw_transaction.hex(), "hash": "0x" + signed.hash.hex()})
    return cases


# ---------------------------------------------------------------- keystores
def keystore_gen(args):
    rng = random.Random(args.seed)
    cases = []
    for i in range(args.count):
        key = random_key(rng)
        password = random_text(rng, rng.randint(0, 20))
        kdf = "scrypt" if i % 2 == 0 else "pbkdf2"
        ks = Account.encrypt(key, password, kdf=kdf, iterations=1024 if kdf == "scrypt" else 1000)
        cases.append({"keystore": ks, "password": password, "address": Account.from_key(key).address})
    return cases


def keystore_check(args):
    results = []
    for case in json.load(sys.stdin):
        try:
            key = Account.decrypt(case["keystore"], case["password"])
            results.append({"ok": Account.from_key(key).address == case["address"]})
        except Exception as e:
            results.append({"ok": False, "error": f"{type(e).__name__}: {e}"[:300]})
    return results


# ---------------------------------------------------------------- ballots
SNAPSHOT_TAILS = {"address": [[], ["app"], ["metadata"], ["reason", "app"], ["reason", "app", "metadata"]],
                  "string": [["reason", "app", "metadata"]]}
# Every Vote layout Snapshot's sequencer accepts: (from type, proposal type, choice type, optional fields).
SNAPSHOT_LAYOUTS = [(f, p, c, tail) for f in ("address", "string") for p in ("string", "bytes32")
                    for c in ("uint32", "uint32[]", "string") for tail in SNAPSHOT_TAILS[f]]


def to_compact(sig65):
    """EIP-2098: r ‖ (yParity << 255 | s)."""
    r, s_, v = sig65[:32], bytearray(sig65[32:64]), sig65[64]
    s_[0] |= (v - 27) << 7
    return bytes(r) + bytes(s_)


def random_address(rng):
    return to_checksum_address(bytes(rng.getrandbits(8) for _ in range(20)))


def sign_typed(rng, data, key, compact_share=0.3):
    signable = encode_typed_data(full_message=data)
    signed = Account.sign_message(signable, key)
    sig = bytes(signed.signature)
    compact = rng.random() < compact_share
    return ("0x" + (to_compact(sig) if compact else sig).hex()), compact, "0x" + _hash_eip191_message(signable).hex()


def governor_ballot(rng, form, ctx, voter, overrides=None):
    o = dict(ctx, **(overrides or {}))
    if form == "bravo-ballot" and o["version"] is None:
        domain_types = [("name", "string"), ("chainId", "uint256"), ("verifyingContract", "address")]
    else:
        domain_types = [("name", "string"), ("version", "string"), ("chainId", "uint256"), ("verifyingContract", "address")]
    domain = {"name": o["name"], "version": o["version"], "chainId": o["chainId"], "verifyingContract": o["governor"]}
    domain = {n: domain[n] for n, _ in domain_types}
    fields = [("proposalId", "uint256"), ("support", "uint8")]
    message = {"proposalId": o["proposalId"], "support": o["support"]}
    if form != "bravo-ballot":
        fields += [("voter", "address"), ("nonce", "uint256")]
        message.update(voter=voter, nonce=o["nonce"])
    if form == "oz-extended-ballot":
        fields += [("reason", "string"), ("params", "bytes")]
        message.update(reason=o["reason"], params=o["params"])
    primary = "ExtendedBallot" if form == "oz-extended-ballot" else "Ballot"
    return {"types": {"EIP712Domain": [{"name": n, "type": t} for n, t in domain_types],
                      primary: [{"name": n, "type": t} for n, t in fields]},
            "primaryType": primary, "domain": domain, "message": message}


def snapshot_vote(rng, layout, ctx, voter, overrides=None):
    o = dict(ctx, **(overrides or {}))
    from_type, proposal_type, choice_type, tail = layout
    fields = [("from", from_type), ("space", "string"), ("timestamp", "uint64"), ("proposal", proposal_type),
              ("choice", choice_type)] + [(t, "string") for t in tail]
    message = {"from": voter, "space": o["space"], "timestamp": o["timestamp"], "proposal": o["proposal"],
               "choice": o["choice"][choice_type]}
    for t in tail:
        message[t] = o[t]
    domain = {"name": "snapshot", "version": "0.1.4"}
    domain_types = [{"name": "name", "type": "string"}, {"name": "version", "type": "string"}]
    if o["withChainId"]:
        domain["chainId"] = o["chainId"]
        domain_types.append({"name": "chainId", "type": "uint256"})
    return {"types": {"EIP712Domain": domain_types, "Vote": [{"name": n, "type": t} for n, t in fields]},
            "primaryType": "Vote", "domain": domain, "message": message}


def envelope_body(rng, data, signature, voter, snapshot_form):
    if snapshot_form:
        types = {k: v for k, v in data["types"].items() if k != "EIP712Domain"}  # as snapshot.js sends them
        return {"address": voter, "sig": signature, "data": {"domain": data["domain"], "types": types,
                                                             "message": data["message"]}}
    body = dict(data)
    if rng.random() < 0.3:
        body["types"] = {k: v for k, v in data["types"].items() if k != "EIP712Domain"}
    body["signature"] = signature
    return body


def ballot_gen(args):
    rng = random.Random(args.seed)
    forms = ["oz-ballot", "oz-extended-ballot", "bravo-ballot"]
    cases = []
    for i in range(args.count):
        key = random_key(rng)
        voter = Account.from_key(key).address
        chain_id = rng.choice([1, 10, 8453, 131277322940537])
        if i % 2 == 0:
            form = forms[(i // 2) % 3]
            ctx = {"chainId": chain_id, "governor": random_address(rng),
                   "name": rng.choice(["Plenum Governor", "Uniswap Governor", "ENS Governor", "Gov é 中"]),
                   "version": None if form == "bravo-ballot" and rng.random() < 0.5 else "1",
                   "proposalId": rng.choice([rng.getrandbits(256), rng.randint(1, 1000)]),
                   "support": rng.randint(0, 2), "nonce": rng.randint(0, 5),
                   "reason": random_text(rng, rng.choice([0, 5, 40])),
                   "params": "0x" + bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 4, 33]))).hex()}
            build = lambda overrides=None: governor_ballot(rng, form, ctx, voter, overrides)
            foreign = [("wrong-chain", {"chainId": chain_id + 1}), ("wrong-contract", {"governor": random_address(rng)}),
                       ("wrong-proposal", {"proposalId": (ctx["proposalId"] + 1) % 2 ** 256})]
            kind, system, snapshot_form = form, "basic", False
        else:
            layout = SNAPSHOT_LAYOUTS[(i // 2) % len(SNAPSHOT_LAYOUTS)]
            from_type, proposal_type, choice_type, tail = layout
            system = {"uint32": "single-choice", "uint32[]": rng.choice(["approval", "ranked-choice"]),
                      "string": rng.choice(["weighted", "quadratic"])}[choice_type]
            ranking = [1, 2, 3, 4, 5]
            rng.shuffle(ranking)
            amounts = {str(k): rng.randint(1, 9) for k in rng.sample(range(1, 6), rng.randint(1, 5))}
            proposal = "0x" + bytes(rng.getrandbits(8) for _ in range(32)).hex()
            if proposal_type == "string" and rng.random() < 0.3:
                proposal = "Qm" + "".join(rng.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ123456789")
                                          for _ in range(44))
            ctx = {"chainId": chain_id, "withChainId": rng.random() < 0.2,
                   "space": rng.choice(["plenum.eth", "ens.eth", "s:dao.eth", "uniswapgovernance.eth"]),
                   "timestamp": rng.randint(1_700_000_000, 1_800_000_000), "proposal": proposal,
                   "choice": {"uint32": rng.randint(1, 5),
                              "uint32[]": ranking if system == "ranked-choice" else ranking[:rng.randint(0, 5)],
                              "string": json.dumps(amounts, separators=(",", ":"))},
                   "reason": random_text(rng, rng.choice([0, 5, 40])), "app": rng.choice(["", "snapshot", "plenum"]),
                   "metadata": "{}"}
            build = lambda overrides=None: snapshot_vote(rng, layout, ctx, voter, overrides)
            other_proposal = "0x" + bytes(rng.getrandbits(8) for _ in range(32)).hex()
            foreign = [("wrong-space", {"space": ctx["space"] + "x"}), ("wrong-proposal", {"proposal": other_proposal})]
            if ctx["withChainId"]:
                foreign.append(("wrong-chain", {"chainId": chain_id + 1}))
            kind, snapshot_form = "snapshot-vote", rng.random() < 0.4
        data = build()
        signature, compact, digest = sign_typed(rng, data, key)
        case = {"kind": kind, "system": system, "context": ctx, "address": voter, "digest": digest,
                "compact": compact, "body": envelope_body(rng, data, signature, voter, snapshot_form), "foreign": []}
        for reason, overrides in foreign:
            other = build(overrides)
            sig, _, _ = sign_typed(rng, other, key, compact_share=0)
            case["foreign"].append({"reason": reason, "body": envelope_body(rng, other, sig, voter, snapshot_form)})
        if kind != "snapshot-vote":
            case["context"] = dict(ctx, proposalId=str(ctx["proposalId"]))
            for f in case["foreign"]:
                f["body"]["message"]["proposalId"] = str(f["body"]["message"]["proposalId"])
            case["body"]["message"]["proposalId"] = str(case["body"]["message"]["proposalId"])
        cases.append(case)
    return cases


def sha256_texts(args):
    return [hashlib.sha256(t.encode()).hexdigest() for t in json.load(sys.stdin)]


def hmac_sha256(args):
    """[{"key": hex, "message": hex}] -> HMAC-SHA256 of each, in hex (Python's hmac module)."""
    return [hmac.new(bytes.fromhex(c["key"]), bytes.fromhex(c["message"]), hashlib.sha256).hexdigest()
            for c in json.load(sys.stdin)]


def typed_sign(args):
    out = []
    for case in json.load(sys.stdin):
        signable = encode_typed_data(full_message=case["typedData"])
        signed = Account.sign_message(signable, case["key"])
        out.append({"digest": "0x" + _hash_eip191_message(signable).hex(), "signature": "0x" + signed.signature.hex(),
                    "address": Account.from_key(case["key"]).address})
    return out


# ---------------------------------------------------------------- Snapshot's counting, in floats
def snapshot_scores(system, n, votes):
    """Scores as Snapshot computes them (doubles). Votes: [{"choice": …, "balance": number}], all valid."""
    total = sum(v["balance"] for v in votes)
    if system in ("basic", "single-choice"):
        return [sum(v["balance"] for v in votes if v["choice"] == c) for c in range(1, n + 1)]
    if system == "approval":
        return [sum(v["balance"] for v in votes if c in v["choice"]) for c in range(1, n + 1)]
    if system in ("weighted", "quadratic"):
        def share(v, c):
            amounts = {int(k): float(x) for k, x in v["choice"].items()}
            whole = sum(amounts.values())
            return amounts.get(c, 0.0) / whole if whole else 0.0
        if system == "weighted":
            raw = [sum(share(v, c) * v["balance"] for v in votes) for c in range(1, n + 1)]
        else:
            raw = [sum(math.sqrt(share(v, c) * v["balance"]) for v in votes) ** 2 for c in range(1, n + 1)]
        whole = sum(raw)
        return [r / whole * total if whole else 0.0 for r in raw]
    if system == "ranked-choice":
        ballots = [(list(v["choice"]), v["balance"]) for v in votes if v["balance"] > 0]
        while True:
            counts = {}
            for ranking, w in ballots:
                counts[ranking[0]] = counts.get(ranking[0], 0) + w
            live = sum(w for _, w in ballots)
            top = max(counts.values(), default=0)
            if top > live / 2 or len(counts) < 3:
                return [counts.get(c, 0) for c in range(1, n + 1)]
            loser = min(sorted(counts), key=lambda c: counts[c])  # the first (lowest) of the least
            ballots = [([c for c in r if c != loser], w) for r, w in ballots]
    if system == "copeland":
        margin = [[0.0] * n for _ in range(n)]
        support = [0.0] * n
        for v in votes:
            r = v["choice"]
            for a in range(len(r)):
                for b in range(a + 1, len(r)):
                    margin[r[a] - 1][r[b] - 1] += v["balance"]
                    margin[r[b] - 1][r[a] - 1] -= v["balance"]
                    support[r[a] - 1] += v["balance"]
        points = [0.0] * n
        for i in range(n):
            for j in range(n):
                if i != j:
                    m = margin[i][j]
                    if m > 0:
                        points[i] += 1
                    elif m < 0:
                        points[j] += 1
                    else:
                        points[i] += 0.5
                        points[j] += 0.5
        if total > 0 and n > 1:
            points = [p + 0.5 * support[i] / ((n - 1) * total) for i, p in enumerate(points)]
        whole = sum(points)
        return [p / whole * total for p in points] if whole > 0 else [total / n] * n
    raise ValueError(system)


def snapshot_tally(args):
    return [snapshot_scores(c["system"], c["choiceCount"], c["votes"]) for c in json.load(sys.stdin)]


# ---------------------------------------------------------------- web3.py reads of a live chain
VOTES_ABI = [
    {"type": "function", "name": "getPastVotes", "stateMutability": "view",
     "inputs": [{"name": "account", "type": "address"}, {"name": "timepoint", "type": "uint256"}],
     "outputs": [{"name": "", "type": "uint256"}]},
    {"type": "function", "name": "getVotes", "stateMutability": "view",
     "inputs": [{"name": "account", "type": "address"}], "outputs": [{"name": "", "type": "uint256"}]},
    {"type": "function", "name": "balanceOf", "stateMutability": "view",
     "inputs": [{"name": "account", "type": "address"}], "outputs": [{"name": "", "type": "uint256"}]},
]


def web3_votes(args):
    """Input: {"rpcUrl", "token", "timepoint", "snapshotBlock", "checkpointBlock" (numbers), "addresses"}.
    Output: the hashes web3.py sees for both blocks, and per address (in order): getPastVotes(address,
    timepoint) at the checkpoint block, getVotes and balanceOf at the snapshot block, getVotes at the
    checkpoint block. Integers as decimal strings."""
    from web3 import Web3

    request = json.load(sys.stdin)
    w3 = Web3(Web3.HTTPProvider(request["rpcUrl"], request_kwargs={"timeout": 120}))
    token = w3.eth.contract(address=Web3.to_checksum_address(request["token"]), abi=VOTES_ABI)
    timepoint = int(request["timepoint"])
    snapshot, checkpoint = int(request["snapshotBlock"]), int(request["checkpointBlock"])
    addresses = [Web3.to_checksum_address(a) for a in request["addresses"]]

    def read(function, arguments, block):
        values = []
        for start in range(0, len(addresses), 100):
            with w3.batch_requests() as batch:
                for a in addresses[start:start + 100]:
                    batch.add(function(*arguments(a)).call(block_identifier=block))
                values += batch.execute()
        return [str(int(v)) for v in values]

    past = read(token.functions.getPastVotes, lambda a: (a, timepoint), checkpoint)
    votes_at_snapshot = read(token.functions.getVotes, lambda a: (a,), snapshot)
    balances = read(token.functions.balanceOf, lambda a: (a,), snapshot)
    votes_at_checkpoint = read(token.functions.getVotes, lambda a: (a,), checkpoint)
    return {
        "snapshotBlockHash": w3.eth.get_block(snapshot)["hash"].to_0x_hex(),
        "checkpointBlockHash": w3.eth.get_block(checkpoint)["hash"].to_0x_hex(),
        "voters": [{"address": a, "pastVotes": p, "votesAtSnapshot": s, "balanceAtSnapshot": b, "votesAtCheckpoint": c}
                   for a, p, s, b, c in zip(addresses, past, votes_at_snapshot, balances, votes_at_checkpoint)],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["abi-gen", "abi-check", "personal-gen", "typed-gen", "recover-check",
                                            "keystore-gen", "keystore-check", "tx-gen", "ballot-gen", "sha256-texts",
                                            "typed-sign", "snapshot-tally", "web3-votes", "hmac-sha256"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=10)
    args = parser.parse_args()
    handler = globals()[args.command.replace("-", "_")]
    json.dump(handler(args), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
