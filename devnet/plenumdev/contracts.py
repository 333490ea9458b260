"""Compiling the Vyper contracts (offline, cached by source hash) and
deploying the governance set onto a fresh DevChain."""

import hashlib
import json
import os
import tempfile

from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address

from .chain import contract_address

HERE = os.path.dirname(os.path.abspath(__file__))
CONTRACTS_DIR = os.path.join(os.path.dirname(HERE), "contracts")
DEFAULT_CACHE_DIR = os.path.join(os.path.dirname(HERE), ".cache", "contracts")
NAMES = ("VotesToken", "Governor", "SmartWallet", "Multicall3")
VYPER_VERSION = "0.4.3"  # pinned in requirements.txt; part of the cache key
MULTICALL3_ADDRESS = bytes.fromhex("ca11bde05977b3631167028862be2a173976ca11")


def _cache_key(source):
    h = hashlib.sha256()
    h.update(VYPER_VERSION.encode())
    h.update(b"\0")
    h.update(source.encode())
    return h.hexdigest()


def compile_contract(name, cache_dir=None, log=None):
    """{'abi', 'bytecode', 'bytecode_runtime'} of contracts/<name>.vy, from the cache when the source is unchanged."""
    cache_dir = cache_dir or DEFAULT_CACHE_DIR
    path = os.path.join(CONTRACTS_DIR, name + ".vy")
    with open(path) as f:
        source = f.read()
    key = _cache_key(source)
    cached = os.path.join(cache_dir, f"{name}-{key[:24]}.json")
    if os.path.exists(cached):
        try:
            with open(cached) as f:
                out = json.load(f)
            if out.get("sourceSha256") == key:
                return out
        except (OSError, ValueError):
            pass
    import vyper  # slow import, only on a cache miss
    if vyper.__version__.split("+")[0] != VYPER_VERSION:
        raise RuntimeError(f"vyper {VYPER_VERSION} expected, found {vyper.__version__}")
    if log:
        log(f"compiling {name}.vy with vyper {vyper.__version__}")
    res = vyper.compile_code(source, output_formats=["abi", "bytecode", "bytecode_runtime"],
                             contract_path=path)
    out = {"name": name, "sourceSha256": key, "vyper": vyper.__version__,
           "abi": res["abi"], "bytecode": res["bytecode"], "bytecode_runtime": res["bytecode_runtime"]}
    os.makedirs(cache_dir, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=f".{name}-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(out, f)
    os.replace(tmp, cached)
    return out


def compile_all(cache_dir=None, log=None):
    return {n: compile_contract(n, cache_dir, log) for n in NAMES}


def selector(signature):
    return keccak(text=signature)[:4]


def calldata(signature, types, args):
    return selector(signature) + abi_encode(types, args)


def _hexbytes(h):
    return bytes.fromhex(h[2:] if h.startswith("0x") else h)


class Deployer:
    """Builds, signs and applies setup transactions directly on the chain (no RPC)."""

    def __init__(self, devchain):
        self.dc = devchain
        self.nonces = {}

    def tx(self, key, to, data, value=0, gas=3_000_000):
        chain = self.dc.chain
        sender = key.public_key.to_canonical_address()
        if sender not in self.nonces:
            self.nonces[sender] = self.dc.state_at(self.dc.head()).get_nonce(sender)
        nonce = self.nonces[sender]
        self.nonces[sender] = nonce + 1
        builder = chain.get_vm().get_transaction_builder()
        unsigned = builder.new_unsigned_dynamic_fee_transaction(
            chain_id=chain.chain_id, nonce=nonce, max_priority_fee_per_gas=10**9,
            max_fee_per_gas=50 * 10**9, gas=gas, to=to, value=value, data=data, access_list=())
        # the builder signs with the London transaction class: decode into the current fork's
        # own class, which the block's serialisation expects
        signed = builder.decode(unsigned.as_signed_transaction(key, chain_id=chain.chain_id).encode())
        # The sender is known: spare py-evm recovering it from the signature (about 10 ms per
        # transaction in pure Python, seconds with 200 accounts). `sender` is a cached_property
        # of py-evm's signed transactions, which reads this instance dict entry first.
        signed.__dict__["sender"] = sender
        return signed


def deploy_governance(devchain, compiled, deployer_key, account_keys, clock_mode="blocknumber",
                      voting_delay=None, voting_period=None, quorum_numerator=4, proposal_threshold=0,
                      token_unit=10**18):
    """Deploys token, governor and wallet, mints varied balances, self-delegates; returns the description."""
    timestamp = clock_mode == "timestamp"
    if voting_delay is None:
        voting_delay = 60 if timestamp else 1
    if voting_period is None:
        voting_period = 600 if timestamp else 20
    d = Deployer(devchain)
    deployer = deployer_key.public_key.to_canonical_address()
    base_nonce = devchain.state_at(devchain.head()).get_nonce(deployer)
    token_addr = contract_address(deployer, base_nonce)
    gov_addr = contract_address(deployer, base_nonce + 1)
    wallet_addr = contract_address(deployer, base_nonce + 2)
    owner_key = account_keys[0]
    owner = owner_key.public_key.to_canonical_address()

    token_code = _hexbytes(compiled["VotesToken"]["bytecode"]) + abi_encode(
        ["string", "string", "bool"], ["Plenum Vote", "PVOTE", timestamp])
    gov_code = _hexbytes(compiled["Governor"]["bytecode"]) + abi_encode(
        ["address", "string", "uint256", "uint256", "uint256", "uint256"],
        [token_addr, "Plenum Governor", voting_delay, voting_period, quorum_numerator, proposal_threshold])
    wallet_code = _hexbytes(compiled["SmartWallet"]["bytecode"]) + abi_encode(["address"], [owner])

    n = len(account_keys)
    balances = [1000 * (n - i) * token_unit for i in range(n)]
    wallet_balance = 500 * token_unit

    txs = [
        d.tx(deployer_key, b"", token_code, gas=8_000_000),
        d.tx(deployer_key, b"", gov_code, gas=12_000_000),
        d.tx(deployer_key, b"", wallet_code, gas=3_000_000),
    ]
    for key, bal in zip(account_keys, balances):
        to = key.public_key.to_canonical_address()
        txs.append(d.tx(deployer_key, token_addr, calldata("mint(address,uint256)", ["address", "uint256"], [to, bal])))
    txs.append(d.tx(deployer_key, token_addr,
                    calldata("mint(address,uint256)", ["address", "uint256"], [wallet_addr, wallet_balance])))
    for key in account_keys:
        me = key.public_key.to_canonical_address()
        txs.append(d.tx(key, token_addr, calldata("delegate(address)", ["address"], [me])))
    # the wallet delegates its own tokens to itself through its execute()
    delegate_data = calldata("delegate(address)", ["address"], [wallet_addr])
    txs.append(d.tx(owner_key, wallet_addr, calldata("execute(address,uint256,bytes)",
                                                     ["address", "uint256", "bytes"],
                                                     [token_addr, 0, delegate_data])))
    # in order, in as many blocks as the gas limit needs (one up to 115 accounts, two up to 200)
    blocks, failed = devchain.mine_transactions(txs)
    if failed:
        raise RuntimeError(f"setup transactions failed validation: {failed}")
    for block in blocks:
        for i, rc in enumerate(devchain.receipts(block)):
            if rc.state_root != b"\x01":
                raise RuntimeError(f"setup transaction {i} of block {block.number} reverted")
    for addr, what in ((token_addr, "token"), (gov_addr, "governor"), (wallet_addr, "wallet")):
        if not devchain.state_at(devchain.head()).get_code(addr):
            raise RuntimeError(f"{what} has no code after deployment")
    # one more block so that the setup blocks are in the past for getPastVotes
    devchain.mine(1)

    cs = to_checksum_address
    return {
        "setupBlock": blocks[0].number,
        "setupLastBlock": blocks[-1].number,
        "contracts": {
            "token": cs(token_addr),
            "governor": cs(gov_addr),
            "wallet": cs(wallet_addr),
            "multicall3": cs(MULTICALL3_ADDRESS),
        },
        "token": {"name": "Plenum Vote", "symbol": "PVOTE", "decimals": 18,
                  "totalSupply": str(sum(balances) + wallet_balance)},
        "governor": {"name": "Plenum Governor", "version": "1", "votingDelay": voting_delay,
                     "votingPeriod": voting_period, "quorumNumerator": quorum_numerator,
                     "quorumDenominator": 100, "proposalThreshold": str(proposal_threshold),
                     "admin": cs(deployer)},
        "wallet": {"address": cs(wallet_addr), "owner": cs(owner), "ownerIndex": 0,
                   "balance": str(wallet_balance), "delegate": cs(wallet_addr)},
        "balances": [str(b) for b in balances],
    }
