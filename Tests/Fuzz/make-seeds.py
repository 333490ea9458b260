"""Writes the seed inputs that are generated rather than captured: Snapshot `Vote` ballots signed
with eth-account (one per choice type) and ABI encodings made with eth-abi. Run with the devnet's
Python: devnet/.venv/bin/python Tests/Fuzz/make-seeds.py (the outputs are committed)."""
import json, os
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
