"""The chain behind the devnet: an eth-tester PyEVMBackend (py-evm) with
automining, controllable time, snapshots, reorgs, and geth-shaped JSON.

Every method here expects the caller to hold the node's chain lock.
"""

import os
import time

from eth.vm.spoof import SpoofTransaction
from eth.exceptions import HeaderNotFound, BlockNotFound
from eth_utils import ValidationError as EVMValidationError
from eth_bloom import BloomFilter
from eth_keys import keys as eth_keys
from eth_tester import EthereumTester, PyEVMBackend
from eth_utils import keccak
import rlp

from . import hexfmt as H
from .errors import RpcError, SERVER_ERROR, EXECUTION_REVERTED, INVALID_PARAMS

ZERO_ADDRESS = b"\0" * 20
ERROR_STRING_SELECTOR = keccak(b"Error(string)")[:4]
PANIC_SELECTOR = keccak(b"Panic(uint256)")[:4]
DEFAULT_BALANCE = 1_000_000 * 10**18
GAS_LIMIT = 30_000_000


def contract_address(sender, nonce):
    return keccak(rlp.encode([sender, nonce]))[12:]


def revert_message(data):
    """geth's wording for a revert: the reason of Error(string) when there is one."""
    if data[:4] == ERROR_STRING_SELECTOR and len(data) >= 68:
        try:
            from eth_abi import decode
            (reason,) = decode(["string"], data[4:])
            return f"execution reverted: {reason}"
        except Exception:  # noqa: BLE001 - undecodable reason: plain wording
            pass
    return "execution reverted"


class DevChain:
    def __init__(self, account_keys, extra_alloc=None, safe_depth=4, finalized_depth=8):
        alloc = {}
        for key in account_keys:
            alloc[key.public_key.to_canonical_address()] = {
                "balance": DEFAULT_BALANCE, "nonce": 0, "code": b"", "storage": {}}
        for address, acct in (extra_alloc or {}).items():
            alloc[address] = {"balance": acct.get("balance", 0), "nonce": acct.get("nonce", 0),
                              "code": acct.get("code", b""), "storage": acct.get("storage", {})}
        params = PyEVMBackend.generate_genesis_params(overrides={"gas_limit": GAS_LIMIT})
        self.backend = PyEVMBackend(genesis_parameters=params, genesis_state=alloc)
        self.tester = EthereumTester(self.backend)
        self.safe_depth = safe_depth
        self.finalized_depth = finalized_depth
        self.time_offset = 0
        self.next_timestamp = None
        self.tx_index = {}          # tx hash -> (block hash, index)
        self._blocks = {}           # block hash -> block
        self._receipts = {}         # block hash -> receipts
        self._logs = {}             # block hash -> [(address, topics, json)]
        self._senders = {}          # tx hash -> sender
        self._snapshots = {}
        self._snapshot_counter = 0

    # ------------------------------------------------------------------ access

    @property
    def chain(self):
        # eth-tester may replace the chain object on a revert to genesis
        return self.backend.chain

    @property
    def chain_id(self):
        return self.chain.chain_id

    def head(self):
        return self.chain.get_canonical_head()

    def latest_number(self):
        return self.head().block_number

    def header_by_number(self, n):
        try:
            return self.chain.get_canonical_block_header_by_number(n)
        except (HeaderNotFound, BlockNotFound):
            return None

    def header_by_hash(self, h):
        try:
            return self.chain.get_block_header_by_hash(h)
        except (HeaderNotFound, BlockNotFound):
            return None

    def is_canonical(self, header):
        c = self.header_by_number(header.block_number)
        return c is not None and c.hash == header.hash and header.block_number <= self.latest_number()

    def block(self, header):
        blk = self._blocks.get(header.hash)
        if blk is None:
            blk = self.chain.get_block_by_header(header)
            self._blocks[header.hash] = blk
        return blk

    def receipts(self, block):
        rs = self._receipts.get(block.hash)
        if rs is None:
            rs = block.get_receipts(self.chain.chaindb)
            self._receipts[block.hash] = rs
        return rs

    def sender(self, tx):
        s = self._senders.get(tx.hash)
        if s is None:
            s = tx.sender
            self._senders[tx.hash] = s
        return s

    def tag_number(self, tag):
        latest = self.latest_number()
        if tag in ("latest", "pending"):
            return latest
        if tag == "earliest":
            return 0
        if tag == "safe":
            return max(0, latest - self.safe_depth)
        if tag == "finalized":
            return max(0, latest - self.finalized_depth)
        raise RpcError(INVALID_PARAMS, f"invalid argument: unknown block tag {tag!r}")

    def state_at(self, header):
        return self.chain.get_vm(at_header=header).state

    def find_tx(self, tx_hash):
        """(block, header, index, tx) of a transaction in the canonical chain, or None."""
        loc = self.tx_index.get(tx_hash)
        if loc is None:
            return None
        header = self.header_by_hash(loc[0])
        if header is None or not self.is_canonical(header):
            return None
        blk = self.block(header)
        return blk, header, loc[1], blk.transactions[loc[1]]

    # ------------------------------------------------------------------ mining

    def _next_block_timestamp(self):
        parent = self.chain.get_canonical_head()
        if self.next_timestamp is not None:
            return max(self.next_timestamp, parent.timestamp + 1)
        return max(parent.timestamp + 1, int(time.time()) + self.time_offset)

    def _prepare_pending(self):
        chain = self.chain
        chain.header = chain.header.copy(timestamp=self._next_block_timestamp())

    def pending_header(self):
        """The header the next block would get (number latest+1, its timestamp), on the latest state."""
        return self.chain.header.copy(timestamp=self._next_block_timestamp())

    def _mine_one(self):
        block = self.chain.mine_block(coinbase=ZERO_ADDRESS, mix_hash=os.urandom(32))
        return self._record_block(block)

    def _record_block(self, block):
        """Bookkeeping for a block just added on top of the canonical chain."""
        if self.next_timestamp is not None:
            # like hardhat: later blocks continue from the forced timestamp
            self.time_offset = block.header.timestamp - int(time.time())
            self.next_timestamp = None
        self._blocks[block.hash] = block
        for i, tx in enumerate(block.transactions):
            self.tx_index[tx.hash] = (block.hash, i)
        return block

    def mine(self, n=1):
        blocks = []
        for _ in range(n):
            self._prepare_pending()
            blocks.append(self._mine_one())
        return blocks

    def _validate_for_inclusion(self, tx, state=None, header=None):
        """geth-worded checks of a transaction against the pending block: `state` and
        `header` are that block's state and header so far (default: the chain's pending block)."""
        chain = self.chain
        if header is None:
            header = chain.header
        try:
            sender = self.sender(tx)
        except Exception as e:  # noqa: BLE001
            raise RpcError(SERVER_ERROR, f"invalid sender: {e}") from None
        tx_chain_id = getattr(tx, "chain_id", None)
        if tx_chain_id is not None and tx_chain_id != chain.chain_id:
            raise RpcError(SERVER_ERROR, f"invalid chain id for signer: have {tx_chain_id} want {chain.chain_id}")
        if state is None:
            state = chain.get_vm().state  # the pending block's state
        nonce = state.get_nonce(sender)
        who = H.addr(sender)
        if tx.nonce < nonce:
            raise RpcError(SERVER_ERROR, f"nonce too low: address {who}, tx: {tx.nonce} state: {nonce}")
        if tx.nonce > nonce:
            raise RpcError(SERVER_ERROR, f"nonce too high: address {who}, tx: {tx.nonce} state: {nonce}")
        if tx.gas > header.gas_limit:
            raise RpcError(SERVER_ERROR, "exceeds block gas limit")
        fee_cap = getattr(tx, "max_fee_per_gas", None)
        if fee_cap is None:
            fee_cap = tx.gas_price
        base_fee = header.base_fee_per_gas
        if fee_cap < base_fee:
            raise RpcError(SERVER_ERROR, f"max fee per gas less than block base fee: address {who}, "
                                         f"maxFeePerGas: {fee_cap}, baseFee: {base_fee}")
        cost = tx.gas * fee_cap + tx.value
        balance = state.get_balance(sender)
        if balance < cost:
            raise RpcError(SERVER_ERROR, f"insufficient funds for gas * price + value: address {who} "
                                         f"have {balance} want {cost}")

    def decode_raw(self, raw):
        if raw[:1] == b"\x03":
            raise RpcError(SERVER_ERROR, "transaction type not supported")
        try:
            return self.chain.get_vm().get_transaction_builder().decode(raw)
        except Exception as e:  # noqa: BLE001
            raise RpcError(SERVER_ERROR, f"rlp: {e}") from None

    def send_raw(self, raw):
        tx = self.decode_raw(raw)
        if tx.hash in self.tx_index and self.find_tx(tx.hash) is not None:
            raise RpcError(SERVER_ERROR, "already known")
        self._validate_for_inclusion(tx)
        self._prepare_pending()
        try:
            self.chain.apply_transaction(tx)
        except EVMValidationError as e:
            # the pending block stays empty: rebuild it on the current head
            self.chain.header = self.chain.create_header_from_parent(self.head())
            raise RpcError(SERVER_ERROR, str(e)) from None
        self._mine_one()
        return tx.hash

    def apply_many(self, txs):
        """Apply several signed transactions into one new block; returns the block and failures
        (a transaction that does not fit in the block's remaining gas is one of them)."""
        blocks, failed = self.mine_transactions(txs, spread=False)
        return blocks[0], failed

    def mine_transactions(self, txs, spread=True):
        """Mines signed transactions, in order, into new blocks; returns (blocks, failures).

        With `spread`, a block is closed and the next one opened when the next transaction's
        gas limit exceeds the gas its block has left (as a block builder would), so any number
        of transactions gets in; without it everything goes into one block and what does not
        fit fails. Failures are (hash, reason) of transactions left out because they were not
        valid for inclusion; a transaction that reverts is included with status 0.

        Each block is built on one VM and sealed once, so the cost is linear in the number of
        transactions (MiningChain.apply_transaction rebuilds the transaction and receipt
        tries of the whole pending block at every transaction, which is quadratic).
        """
        blocks, failed = [], []
        txs = list(txs)
        pos = 0
        while True:
            block, pos, block_failed = self._build_block(txs, pos, spread)
            blocks.append(block)
            failed.extend(block_failed)
            if pos >= len(txs):
                return blocks, failed

    def _build_block(self, txs, pos, spread):
        """Applies txs[pos:] to a new pending block until one does not fit (with `spread`),
        mines the block, and returns (block, the position of the first transaction not
        considered, failures)."""
        chain = self.chain
        self._prepare_pending()
        header = chain.header
        vm = chain.get_vm(header)
        included, receipts, failed = [], [], []
        while pos < len(txs):
            tx = txs[pos]
            if spread and included and tx.gas > header.gas_limit - header.gas_used:
                break  # the next block takes it
            pos += 1
            try:
                self._validate_for_inclusion(tx, vm.state, header)
                # validates against the block's remaining gas and the state before changing anything
                receipt, _ = vm.apply_transaction(header, tx)
            except (RpcError, EVMValidationError) as e:
                failed.append((tx.hash, str(e)))
                continue
            header = vm.add_receipt_to_header(header, receipt)
            included.append(tx)
            receipts.append(receipt)
        filled = vm.set_block_transactions_and_withdrawals(vm.get_block(), header, tuple(included),
                                                       tuple(receipts))
        # as MiningChain.mine_block: seal, validate, persist, and open the next pending header
        block = vm.mine_block(filled, coinbase=ZERO_ADDRESS, mix_hash=os.urandom(32)).block
        chain.validate_block(block)
        chain.chaindb.persist_block(block)
        chain.header = chain.create_header_from_parent(block.header)
        return self._record_block(block), pos, failed

    # ------------------------------------------------------------------ time

    def increase_time(self, seconds):
        """Moves the chain clock `seconds` past the later of the wall clock (plus the
        offset so far) and the latest block's timestamp (fast mining runs ahead)."""
        wall = int(time.time())
        now = max(wall + self.time_offset, self.head().timestamp)
        self.time_offset = now + seconds - wall
        return self.time_offset

    def set_next_timestamp(self, ts):
        parent = self.head()
        if ts <= parent.timestamp:
            raise RpcError(SERVER_ERROR, f"timestamp {ts} is not greater than the latest block's timestamp "
                                         f"{parent.timestamp}")
        self.next_timestamp = ts

    # ------------------------------------------------------------------ snapshots and reorgs

    def _rewind_to(self, header):
        # eth-tester's revert: makes `header` the canonical head; later blocks
        # stay in the database as an abandoned branch
        self.backend.revert_to_snapshot(header.hash)

    def snapshot(self):
        self._snapshot_counter += 1
        sid = self._snapshot_counter
        self._snapshots[sid] = (self.head().hash, self.time_offset, self.next_timestamp)
        return sid

    def revert(self, sid):
        snap = self._snapshots.get(sid)
        if snap is None:
            return False
        block_hash, offset, nxt = snap
        header = self.header_by_hash(block_hash)
        self._rewind_to(header)
        self.time_offset, self.next_timestamp = offset, nxt
        # like hardhat: a snapshot can be used once, and later ones go with it
        for k in [k for k in self._snapshots if k >= sid]:
            del self._snapshots[k]
        return True

    def reorg(self, depth, new_blocks=None, reinclude=None, reinclude_at=None):
        latest = self.latest_number()
        if depth < 1 or depth > latest:
            raise RpcError(INVALID_PARAMS, f"invalid argument: depth must be between 1 and {latest}")
        if new_blocks is None:
            new_blocks = depth
        if new_blocks < 0 or new_blocks > 10000:
            raise RpcError(INVALID_PARAMS, "invalid argument: newBlocks must be between 0 and 10000")
        target = self.header_by_number(latest - depth)
        old_headers = [self.header_by_number(n) for n in range(latest - depth + 1, latest + 1)]
        old_txs = [tx for h in old_headers for tx in self.block(h).transactions]
        if reinclude in (None, False, "none"):
            chosen = []
        elif reinclude in (True, "all"):
            chosen = list(old_txs)
        else:
            wanted = set(reinclude)
            known = {tx.hash for tx in old_txs}
            unknown = [h for h in wanted if h not in known]
            if unknown:
                raise RpcError(INVALID_PARAMS, f"invalid argument: transaction {H.b(unknown[0])} "
                                               f"is not in the replaced blocks")
            chosen = [tx for tx in old_txs if tx.hash in wanted]
        if chosen and new_blocks == 0:
            raise RpcError(INVALID_PARAMS, "invalid argument: re-including transactions needs newBlocks >= 1")
        if reinclude_at is None:
            # above the old head when the new branch is long enough, else its last block
            reinclude_at = min(depth, new_blocks - 1) if new_blocks else 0
        if chosen and not 0 <= reinclude_at < new_blocks:
            raise RpcError(INVALID_PARAMS, "invalid argument: reincludeAt must be below newBlocks")

        self._rewind_to(target)
        added, failed = [], []
        for i in range(new_blocks):
            if i == reinclude_at and chosen:
                blk, failed = self.apply_many(chosen)
            else:
                blk = self.mine(1)[0]
            added.append(blk)
        failed_hashes = {h for h, _ in failed}
        reincluded = []
        for tx in chosen:
            if tx.hash in failed_hashes:
                continue
            found = self.find_tx(tx.hash)
            reincluded.append({"hash": H.b(tx.hash), "blockNumber": H.q(found[1].block_number),
                               "blockHash": H.b(found[1].hash)})
        chosen_hashes = {tx.hash for tx in chosen}
        return {
            "commonAncestor": {"number": H.q(target.block_number), "hash": H.b(target.hash)},
            "removedBlocks": [H.b(h.hash) for h in old_headers],
            "addedBlocks": [H.b(b.hash) for b in added],
            "reincluded": reincluded,
            "dropped": [H.b(tx.hash) for tx in old_txs if tx.hash not in chosen_hashes],
            "failed": [{"hash": H.b(h), "error": msg} for h, msg in failed],
            "head": {"number": H.q(self.latest_number()), "hash": H.b(self.head().hash)},
        }

    # ------------------------------------------------------------------ execution

    def _call_tx(self, vm, state, call):
        sender = call.get("from") or ZERO_ADDRESS
        builder = vm.get_transaction_builder()
        unsigned = builder.new_unsigned_dynamic_fee_transaction(
            chain_id=self.chain.chain_id,
            nonce=state.get_nonce(sender),
            max_priority_fee_per_gas=0,
            max_fee_per_gas=0,
            gas=call.get("gas") or GAS_LIMIT,
            to=call.get("to") or b"",
            value=call.get("value", 0),
            data=call.get("data", b""),
            access_list=(),
        )
        return SpoofTransaction(unsigned, from_=sender)

    def _free_vm(self, header):
        # geth executes eth_call in the block's own context with the base fee
        # zeroed when no gas price is given
        free = header.copy(base_fee_per_gas=0) if hasattr(header, "base_fee_per_gas") else header
        return self.chain.get_vm(at_header=free)

    def call(self, call, header):
        vm = self._free_vm(header)
        state = vm.state
        tx = self._call_tx(vm, state, call)
        snap = state.snapshot()
        try:
            computation = state.apply_transaction(tx)
        except EVMValidationError as e:
            raise RpcError(SERVER_ERROR, str(e)) from None
        finally:
            state.revert(snap)
        return computation

    @staticmethod
    def raise_if_failed(computation):
        if computation.is_success:
            return
        if computation.is_error and type(computation.error).__name__ == "Revert":
            data = computation.output
            raise RpcError(EXECUTION_REVERTED, revert_message(data), H.b(data))
        raise RpcError(SERVER_ERROR, _vm_error_text(computation.error))

    def estimate_gas(self, call, header):
        computation = self.call(dict(call, gas=call.get("gas") or GAS_LIMIT), header)
        if not computation.is_success:
            if type(computation.error).__name__ == "OutOfGas":
                raise RpcError(SERVER_ERROR, f"gas required exceeds allowance ({call.get('gas') or GAS_LIMIT})")
            self.raise_if_failed(computation)
        vm = self._free_vm(header)
        state = vm.state
        tx = self._call_tx(vm, state, dict(call, gas=call.get("gas") or GAS_LIMIT))
        return self.chain.gas_estimator(state, tx)

    # ------------------------------------------------------------------ logs

    def block_logs(self, header):
        cached = self._logs.get(header.hash)
        if cached is not None:
            return cached
        out = []
        if header.bloom:
            blk = self.block(header)
            receipts = self.receipts(blk)
            log_index = 0
            for ti, (tx, rc) in enumerate(zip(blk.transactions, receipts)):
                for lg in rc.logs:
                    topics = [t.to_bytes(32, "big") if isinstance(t, int) else bytes(t) for t in lg.topics]
                    out.append((bytes(lg.address), topics, {
                        "address": H.addr(lg.address),
                        "topics": [H.b(t) for t in topics],
                        "data": H.b(lg.data),
                        "blockNumber": H.q(header.block_number),
                        "blockHash": H.b(header.hash),
                        "blockTimestamp": H.q(header.timestamp),
                        "transactionHash": H.b(tx.hash),
                        "transactionIndex": H.q(ti),
                        "logIndex": H.q(log_index),
                        "removed": False,
                    }))
                    log_index += 1
        self._logs[header.hash] = out
        return out

    @staticmethod
    def bloom_matches(header, addresses, topics):
        if not header.bloom:
            return False
        bf = BloomFilter(header.bloom)
        if addresses and not any(a in bf for a in addresses):
            return False
        for pos in topics:
            if pos and not any(t in bf for t in pos):
                return False
        return True

    @staticmethod
    def log_matches(address, log_topics, addresses, topics):
        if addresses and address not in addresses:
            return False
        if len(topics) > len(log_topics):
            return False
        for i, pos in enumerate(topics):
            if pos and log_topics[i] not in pos:
                return False
        return True

    def logs_in_block(self, header, addresses, topics):
        if not self.bloom_matches(header, addresses, topics):
            return []
        return [j for (a, t, j) in self.block_logs(header) if self.log_matches(a, t, addresses, topics)]

    # ------------------------------------------------------------------ JSON views

    def block_json(self, header, full=False):
        blk = self.block(header)
        if full:
            txs = [self.tx_json(tx, header, i) for i, tx in enumerate(blk.transactions)]
        else:
            txs = [H.b(tx.hash) for tx in blk.transactions]
        out = {
            "number": H.q(header.block_number),
            "hash": H.b(header.hash),
            "parentHash": H.b(header.parent_hash),
            "nonce": H.b(header.nonce),
            "mixHash": H.b(header.mix_hash),
            "sha3Uncles": H.b(header.uncles_hash),
            "logsBloom": H.bloom(header.bloom),
            "transactionsRoot": H.b(header.transaction_root),
            "stateRoot": H.b(header.state_root),
            "receiptsRoot": H.b(header.receipt_root),
            "miner": H.addr(header.coinbase),
            "difficulty": H.q(header.difficulty),
            "extraData": H.b(header.extra_data),
            "size": H.q(len(rlp.encode(blk))),
            "gasLimit": H.q(header.gas_limit),
            "gasUsed": H.q(header.gas_used),
            "timestamp": H.q(header.timestamp),
            "transactions": txs,
            "uncles": [],
        }
        for field, key in (("base_fee_per_gas", "baseFeePerGas"), ("withdrawals_root", "withdrawalsRoot"),
                           ("blob_gas_used", "blobGasUsed"), ("excess_blob_gas", "excessBlobGas"),
                           ("parent_beacon_block_root", "parentBeaconBlockRoot"),
                           ("requests_hash", "requestsHash")):
            if hasattr(header, field):
                v = getattr(header, field)
                out[key] = H.q(v) if isinstance(v, int) else H.b(v)
        if hasattr(header, "withdrawals_root"):
            out["withdrawals"] = []
        return out

    def tx_json(self, tx, header, index):
        type_id = getattr(tx, "type_id", None) or 0
        out = {
            "blockHash": H.b(header.hash),
            "blockNumber": H.q(header.block_number),
            "from": H.addr(self.sender(tx)),
            "gas": H.q(tx.gas),
            "hash": H.b(tx.hash),
            "input": H.b(tx.data),
            "nonce": H.q(tx.nonce),
            "to": H.addr(tx.to),
            "transactionIndex": H.q(index),
            "value": H.q(tx.value),
            "type": H.q(type_id),
        }
        if type_id == 0:
            out["gasPrice"] = H.q(tx.gas_price)
            if tx.v >= 35:
                out["chainId"] = H.q((tx.v - 35) // 2)
            out["v"] = H.q(tx.v)
        else:
            out["chainId"] = H.q(tx.chain_id)
            out["accessList"] = [{"address": H.addr(a), "storageKeys": [H.b32(k) for k in keys]}
                                 for a, keys in (tx.access_list or ())]
            if type_id >= 2:
                out["maxFeePerGas"] = H.q(tx.max_fee_per_gas)
                out["maxPriorityFeePerGas"] = H.q(tx.max_priority_fee_per_gas)
                out["gasPrice"] = H.q(self.effective_gas_price(tx, header))
            else:
                out["gasPrice"] = H.q(tx.gas_price)
            out["v"] = H.q(tx.y_parity)
            out["yParity"] = H.q(tx.y_parity)
        out["r"] = H.q(tx.r)
        out["s"] = H.q(tx.s)
        return out

    @staticmethod
    def effective_gas_price(tx, header):
        if getattr(tx, "type_id", None) and tx.type_id >= 2:
            return min(tx.max_fee_per_gas, tx.max_priority_fee_per_gas + header.base_fee_per_gas)
        return tx.gas_price

    def receipt_json(self, blk, header, index, tx):
        receipts = self.receipts(blk)
        rc = receipts[index]
        prev = receipts[index - 1].gas_used if index else 0
        sender = self.sender(tx)
        logs = [j for (_, _, j) in self.block_logs(header) if j["transactionHash"] == H.b(tx.hash)]
        status = 1 if rc.state_root == b"\x01" else 0
        return {
            "blockHash": H.b(header.hash),
            "blockNumber": H.q(header.block_number),
            "contractAddress": H.addr(contract_address(sender, tx.nonce)) if tx.to == b"" else None,
            "cumulativeGasUsed": H.q(rc.gas_used),
            "effectiveGasPrice": H.q(self.effective_gas_price(tx, header)),
            "from": H.addr(sender),
            "gasUsed": H.q(rc.gas_used - prev),
            "logs": logs,
            "logsBloom": H.bloom(rc.bloom),
            "status": H.q(status),
            "to": H.addr(tx.to),
            "transactionHash": H.b(tx.hash),
            "transactionIndex": H.q(index),
            "type": H.q(getattr(tx, "type_id", None) or 0),
        }


def _vm_error_text(err):
    name = type(err).__name__
    if name == "OutOfGas":
        return "out of gas"
    if name == "InvalidInstruction":
        return "invalid opcode"
    return f"{name}: {err}" if str(err) else name


def key_from_hex(hexkey):
    return eth_keys.PrivateKey(bytes.fromhex(hexkey[2:] if hexkey.startswith("0x") else hexkey))
