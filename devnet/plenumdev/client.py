"""A small JSON-RPC client and transaction helper (standard library +
eth-account + eth-abi), used by the CLI and the tests."""

import json
import time
import urllib.error
import urllib.request


class RpcCallError(Exception):
    def __init__(self, code, message, data=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.data = data


class Rpc:
    def __init__(self, url, no_faults=True, timeout=30):
        self.url = url
        self.no_faults = no_faults
        self.timeout = timeout
        self._id = 0

    def post(self, payload, headers=None, timeout=None):
        """Raw POST: returns (status, headers, body bytes); never raises on HTTP status."""
        body = payload if isinstance(payload, (bytes, bytearray)) else json.dumps(payload).encode()
        h = {"Content-Type": "application/json"}
        if self.no_faults:
            h["X-Devnet-No-Faults"] = "1"
        h.update(headers or {})
        req = urllib.request.Request(self.url, data=body, headers=h, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def call(self, method, *params):
        self._id += 1
        status, _, body = self.post({"jsonrpc": "2.0", "id": self._id, "method": method, "params": list(params)})
        if status != 200:
            raise RpcCallError(status, f"HTTP {status}: {body[:200]!r}")
        resp = json.loads(body)
        if "error" in resp:
            e = resp["error"]
            raise RpcCallError(e.get("code"), e.get("message"), e.get("data"))
        return resp["result"]

    def batch(self, calls):
        payload = []
        for method, params in calls:
            self._id += 1
            payload.append({"jsonrpc": "2.0", "id": self._id, "method": method, "params": list(params)})
        status, _, body = self.post(payload)
        if status != 200:
            raise RpcCallError(status, f"HTTP {status}")
        return json.loads(body)


def selector(signature):
    from eth_utils import keccak
    return keccak(text=signature)[:4]


def encode_call(signature, *args):
    """Calldata for e.g. encode_call("castVote(uint256,uint8)", pid, 1)."""
    from eth_abi import encode
    types = signature[signature.index("(") + 1: signature.rindex(")")]
    types = _split_types(types)
    return selector(signature) + encode(types, list(args))


def _split_types(s):
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    if cur:
        out.append(cur)
    return out


def eth_call(rpc, to, data, block="latest", types=None):
    out = rpc.call("eth_call", {"to": to, "input": "0x" + bytes(data).hex()}, block)
    raw = bytes.fromhex(out[2:])
    if types is None:
        return raw
    from eth_abi import decode
    vals = decode(types, raw)
    return vals[0] if len(vals) == 1 else vals


def send_tx(rpc, private_key, to, data=b"", value=0, gas=None, wait=True):
    """Signs an EIP-1559 transaction with eth-account, sends it raw, returns the receipt (or hash)."""
    from eth_account import Account
    acct = Account.from_key(private_key)
    chain_id = int(rpc.call("eth_chainId"), 16)
    nonce = int(rpc.call("eth_getTransactionCount", acct.address, "pending"), 16)
    data_hex = "0x" + bytes(data).hex()
    if gas is None:
        est = int(rpc.call("eth_estimateGas", {"from": acct.address, "to": to, "input": data_hex,
                                               "value": hex(value)}), 16)
        gas = est + est // 4 + 10_000
    tip = int(rpc.call("eth_maxPriorityFeePerGas"), 16)
    base = int(rpc.call("eth_getBlockByNumber", "latest", False)["baseFeePerGas"], 16)
    tx = {"type": 2, "chainId": chain_id, "nonce": nonce, "to": to, "value": value, "data": data_hex,
          "gas": gas, "maxPriorityFeePerGas": tip, "maxFeePerGas": 2 * base + tip}
    signed = acct.sign_transaction(tx)
    tx_hash = rpc.call("eth_sendRawTransaction", "0x" + signed.raw_transaction.hex())
    if not wait:
        return tx_hash
    deadline = time.time() + 30
    while time.time() < deadline:
        receipt = rpc.call("eth_getTransactionReceipt", tx_hash)
        if receipt is not None:
            return receipt
        time.sleep(0.05)
    raise TimeoutError(f"no receipt for {tx_hash}")


PROPOSAL_CREATED = ("ProposalCreated(uint256,address,address[],uint256[],string[],bytes[],uint256,uint256,string)")
PROPOSAL_CREATED_TYPES = ["uint256", "address", "address[]", "uint256[]", "string[]", "bytes[]",
                          "uint256", "uint256", "string"]


def decode_proposal_created(log):
    from eth_abi import decode
    vals = decode(PROPOSAL_CREATED_TYPES, bytes.fromhex(log["data"][2:]))
    keys = ["proposalId", "proposer", "targets", "values", "signatures", "calldatas", "voteStart", "voteEnd",
            "description"]
    return dict(zip(keys, vals))
