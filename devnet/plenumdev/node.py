"""JSON-RPC methods of the devnet node, on top of DevChain and the fault injector."""

import json
import threading
import traceback

from . import hexfmt as H
from .chain import DevChain
from .errors import (RpcError, PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS,
                     INTERNAL_ERROR, SERVER_ERROR, LIMIT_EXCEEDED, RATE_LIMITED)
from .faults import FaultInjector, SpecError

CLIENT_VERSION = "PlenumDevnet/v0.1.0/py-evm"
DEFAULT_TIP = 10**9
CONTROL_PREFIXES = ("evm_", "devnet_")
NO_FAULTS_HEADER = "X-Devnet-No-Faults"


def is_control(method):
    return isinstance(method, str) and method.startswith(CONTROL_PREFIXES)


def _param(params, i, default=None):
    return params[i] if len(params) > i and params[i] is not None else default


def _bool(v, what):
    if not isinstance(v, bool):
        raise RpcError(INVALID_PARAMS, f"invalid argument: {what} must be a boolean")
    return v


class Node:
    def __init__(self, devchain: DevChain, faults_spec=None, info=None):
        self.dc = devchain
        self.lock = threading.RLock()
        self.faults = FaultInjector(faults_spec)
        self.info = info or {}
        self.shutdown_hook = None
        self.methods = {
            "web3_clientVersion": self.web3_clientVersion,
            "net_version": self.net_version,
            "net_listening": lambda p, e: True,
            "eth_chainId": self.eth_chainId,
            "eth_syncing": lambda p, e: False,
            "eth_accounts": lambda p, e: [],
            "eth_blockNumber": self.eth_blockNumber,
            "eth_getBlockByNumber": self.eth_getBlockByNumber,
            "eth_getBlockByHash": self.eth_getBlockByHash,
            "eth_getBlockTransactionCountByNumber": self.eth_getBlockTransactionCountByNumber,
            "eth_getBlockTransactionCountByHash": self.eth_getBlockTransactionCountByHash,
            "eth_getBlockReceipts": self.eth_getBlockReceipts,
            "eth_getTransactionByHash": self.eth_getTransactionByHash,
            "eth_getTransactionReceipt": self.eth_getTransactionReceipt,
            "eth_getLogs": self.eth_getLogs,
            "eth_call": self.eth_call,
            "eth_estimateGas": self.eth_estimateGas,
            "eth_getCode": self.eth_getCode,
            "eth_getBalance": self.eth_getBalance,
            "eth_getStorageAt": self.eth_getStorageAt,
            "eth_getTransactionCount": self.eth_getTransactionCount,
            "eth_sendRawTransaction": self.eth_sendRawTransaction,
            "eth_gasPrice": self.eth_gasPrice,
            "eth_maxPriorityFeePerGas": self.eth_maxPriorityFeePerGas,
            "eth_feeHistory": self.eth_feeHistory,
            "evm_snapshot": self.evm_snapshot,
            "evm_revert": self.evm_revert,
            "evm_mine": self.evm_mine,
            "evm_increaseTime": self.evm_increaseTime,
            "evm_setNextBlockTimestamp": self.evm_setNextBlockTimestamp,
            "devnet_reorg": self.devnet_reorg,
            "devnet_setFaults": self.devnet_setFaults,
            "devnet_getFaults": self.devnet_getFaults,
            "devnet_setFinality": self.devnet_setFinality,
            "devnet_info": self.devnet_info,
            "devnet_shutdown": self.devnet_shutdown,
        }

    # ================================================================== HTTP-level handling

    def handle_http(self, body, no_faults=False):
        """Returns (status, extra_headers, body_bytes, hang_seconds)."""
        try:
            req = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return 200, {}, _dump({"jsonrpc": "2.0", "id": None,
                                   "error": {"code": PARSE_ERROR, "message": "parse error"}}), 0
        is_batch = isinstance(req, list)
        elements = req if is_batch else [req]
        if is_batch and not elements:
            return 200, {}, _dump({"jsonrpc": "2.0", "id": None,
                                   "error": {"code": INVALID_REQUEST, "message": "empty batch"}}), 0
        methods = [e.get("method") if isinstance(e, dict) else None for e in elements]
        exempt = no_faults or not self.faults.cfg.active or any(is_control(m) for m in methods)
        plan = None if exempt else self.faults.plan(methods, is_batch)

        if plan is not None and (plan.http429 or plan.http429_retry_after):
            headers = {"Retry-After": str(self.faults.cfg.retry_after)} if plan.http429_retry_after else {}
            first_id = elements[0].get("id") if isinstance(elements[0], dict) else None
            return 429, headers, _dump({"jsonrpc": "2.0", "id": first_id, "error": {
                "code": RATE_LIMITED, "message": "Too Many Requests: rate limit exceeded"}}), 0
        hang = self.faults.cfg.hang_seconds if plan is not None and plan.hang else 0

        if plan is not None and plan.rpc429 and not is_batch:
            rid = req.get("id") if isinstance(req, dict) else None
            return 200, {}, _dump({"jsonrpc": "2.0", "id": rid, "error": {
                "code": RATE_LIMITED, "message": "Too Many Requests: rate limit exceeded"}}), hang

        out = []
        for i, element in enumerate(elements):
            eplan = plan.elements[i] if plan is not None else None
            if plan is not None and plan.batch429_index == i and isinstance(element, dict):
                out.append({"jsonrpc": "2.0", "id": element.get("id"), "error": {
                    "code": RATE_LIMITED, "message": "Too Many Requests: rate limit exceeded"}})
                continue
            resp = self.handle_element(element, eplan, plan)
            if resp is not None:
                out.append(resp)
        if is_batch:
            payload = _dump(out) if out else b""
        else:
            payload = _dump(out[0]) if out else b""
        if plan is not None and plan.malformed and payload:
            payload = payload[: max(1, len(payload) // 2)]
        return 200, {}, payload, hang

    def handle_element(self, element, eplan=None, plan=None):
        if not isinstance(element, dict):
            return {"jsonrpc": "2.0", "id": None, "error": {"code": INVALID_REQUEST, "message": "invalid request"}}
        notification = "id" not in element
        rid = element.get("id")
        method = element.get("method")
        if not isinstance(method, str) or element.get("jsonrpc", "2.0") != "2.0":
            return {"jsonrpc": "2.0", "id": rid, "error": {"code": INVALID_REQUEST, "message": "invalid request"}}
        params = element.get("params", [])
        if params is None:
            params = []
        try:
            if not isinstance(params, list):
                raise RpcError(INVALID_PARAMS, "non-array args")
            fn = self.methods.get(method)
            if fn is None:
                raise RpcError(METHOD_NOT_FOUND, f"the method {method} does not exist/is not available")
            with self.lock:
                result = fn(params, eplan)
            resp = {"jsonrpc": "2.0", "id": rid, "result": result}
        except RpcError as e:
            if plan is not None and getattr(e, "is_limit", None):
                self.faults.record(plan.seq, [method], e.is_limit)
            resp = {"jsonrpc": "2.0", "id": rid, "error": e.to_json()}
        except Exception as e:  # noqa: BLE001 - any failure must still answer
            traceback.print_exc()
            resp = {"jsonrpc": "2.0", "id": rid, "error": {"code": INTERNAL_ERROR,
                                                            "message": f"internal error: {type(e).__name__}: {e}"}}
        return None if notification else resp

    # ================================================================== parameter helpers

    def _block_header(self, param, allow_null=False, pending=False):
        """Header for a block parameter of a state method (tag, number or EIP-1898 object).
        With pending=True, "pending" gives the context of the next block."""
        dc = self.dc
        if param is None:
            param = "latest"
        if pending and param == "pending":
            return dc.pending_header()
        if isinstance(param, dict):
            if "blockHash" in param:
                if "blockNumber" in param:
                    raise RpcError(INVALID_PARAMS, "invalid argument: cannot specify both BlockHash and BlockNumber")
                h = H.parse_hash(param["blockHash"], "blockHash")
                header = dc.header_by_hash(h)
                if header is None:
                    raise RpcError(SERVER_ERROR, "header for hash not found")
                if param.get("requireCanonical") and not dc.is_canonical(header):
                    raise RpcError(SERVER_ERROR, "hash is not currently canonical")
                return header
            if "blockNumber" in param:
                param = param["blockNumber"]
            else:
                raise RpcError(INVALID_PARAMS, "invalid argument: block parameter object needs blockHash or blockNumber")
        if isinstance(param, str) and not param.startswith(("0x", "0X")):
            n = dc.tag_number(param)
        else:
            n = H.parse_quantity(param, "block number")
        if n > dc.latest_number():
            if allow_null:
                return None
            raise RpcError(SERVER_ERROR, "header not found")
        return dc.header_by_number(n)

    def _call_object(self, obj):
        if not isinstance(obj, dict):
            raise RpcError(INVALID_PARAMS, "invalid argument 0: transaction object expected")
        call = {}
        if obj.get("from") is not None:
            call["from"] = H.parse_address(obj["from"], "from")
        if obj.get("to") is not None:
            call["to"] = H.parse_address(obj["to"], "to")
        if obj.get("gas") is not None:
            call["gas"] = H.parse_quantity(obj["gas"], "gas")
        if obj.get("value") is not None:
            call["value"] = H.parse_quantity(obj["value"], "value")
        data = obj.get("input")
        if data is None:
            data = obj.get("data")
        elif obj.get("data") is not None and obj.get("data") != data:
            raise RpcError(INVALID_PARAMS, 'both "data" and "input" are set and not equal. '
                                           'Please use "input" to pass transaction call data')
        if data is not None:
            call["data"] = H.parse_data(data, "input")
        return call

    # ================================================================== eth_*

    def web3_clientVersion(self, params, e):
        return CLIENT_VERSION

    def net_version(self, params, e):
        return str(self.dc.chain_id)

    def eth_chainId(self, params, e):
        return H.q(self.dc.chain_id)

    def eth_blockNumber(self, params, e):
        n = self.dc.latest_number()
        if e is not None and e.stale:
            n = max(0, n - self.faults.cfg.stale_lag)
        return H.q(n)

    def _block_by_number_param(self, param):
        if isinstance(param, str) and not param.startswith(("0x", "0X")):
            return self.dc.header_by_number(self.dc.tag_number(param))
        n = H.parse_quantity(param, "block number")
        if n > self.dc.latest_number():
            return None
        return self.dc.header_by_number(n)

    def eth_getBlockByNumber(self, params, e):
        if not params:
            raise RpcError(INVALID_PARAMS, "missing value for required argument 0")
        header = self._block_by_number_param(params[0])
        full = _bool(_param(params, 1, False), "fullTransactions")
        return None if header is None else self.dc.block_json(header, full)

    def eth_getBlockByHash(self, params, e):
        if not params:
            raise RpcError(INVALID_PARAMS, "missing value for required argument 0")
        header = self.dc.header_by_hash(H.parse_hash(params[0], "block hash"))
        full = _bool(_param(params, 1, False), "fullTransactions")
        return None if header is None else self.dc.block_json(header, full)

    def eth_getBlockTransactionCountByNumber(self, params, e):
        header = self._block_by_number_param(_param(params, 0, "latest"))
        return None if header is None else H.q(len(self.dc.block(header).transactions))

    def eth_getBlockTransactionCountByHash(self, params, e):
        header = self.dc.header_by_hash(H.parse_hash(_param(params, 0, ""), "block hash"))
        return None if header is None else H.q(len(self.dc.block(header).transactions))

    def eth_getBlockReceipts(self, params, e):
        p = _param(params, 0, "latest")
        if isinstance(p, str) and len(p) == 66:
            header = self.dc.header_by_hash(H.parse_hash(p))
        elif isinstance(p, dict):
            header = self._block_header(p, allow_null=True)
        else:
            header = self._block_by_number_param(p)
        if header is None:
            return None
        blk = self.dc.block(header)
        return [self.dc.receipt_json(blk, header, i, tx) for i, tx in enumerate(blk.transactions)]

    def eth_getTransactionByHash(self, params, e):
        found = self.dc.find_tx(H.parse_hash(_param(params, 0, ""), "transaction hash"))
        if found is None:
            return None
        blk, header, index, tx = found
        return self.dc.tx_json(tx, header, index)

    def eth_getTransactionReceipt(self, params, e):
        found = self.dc.find_tx(H.parse_hash(_param(params, 0, ""), "transaction hash"))
        if found is None:
            return None
        blk, header, index, tx = found
        return self.dc.receipt_json(blk, header, index, tx)

    def eth_getCode(self, params, e):
        a = H.parse_address(_param(params, 0, ""))
        header = self._block_header(_param(params, 1))
        return H.b(self.dc.state_at(header).get_code(a))

    def eth_getBalance(self, params, e):
        a = H.parse_address(_param(params, 0, ""))
        header = self._block_header(_param(params, 1))
        return H.q(self.dc.state_at(header).get_balance(a))

    def eth_getStorageAt(self, params, e):
        a = H.parse_address(_param(params, 0, ""))
        slot = H.parse_quantity(_param(params, 1, "0x0"), "storage slot") if not (
            isinstance(_param(params, 1), str) and len(params[1]) == 66) else int(params[1], 16)
        header = self._block_header(_param(params, 2))
        return H.b32(self.dc.state_at(header).get_storage(a, slot))

    def eth_getTransactionCount(self, params, e):
        a = H.parse_address(_param(params, 0, ""))
        header = self._block_header(_param(params, 1))
        return H.q(self.dc.state_at(header).get_nonce(a))

    def eth_call(self, params, e):
        call = self._call_object(_param(params, 0))
        header = self._block_header(_param(params, 1), pending=True)
        computation = self.dc.call(call, header)
        self.dc.raise_if_failed(computation)
        output = computation.output
        if e is not None and e.tamper and output:
            output = output[:-1] + bytes([output[-1] ^ 1])
        return H.b(output)

    def eth_estimateGas(self, params, e):
        call = self._call_object(_param(params, 0))
        # like hardhat, the estimate runs in the next block's context unless a block is given
        header = self._block_header(_param(params, 1, "pending"), pending=True)
        return H.q(self.dc.estimate_gas(call, header))

    def eth_sendRawTransaction(self, params, e):
        raw = H.parse_data(_param(params, 0, ""), "raw transaction")
        if not raw:
            raise RpcError(INVALID_PARAMS, "invalid argument 0: empty hex string")
        return H.b(self.dc.send_raw(raw))

    def _next_base_fee(self):
        return self.dc.chain.header.base_fee_per_gas

    def eth_gasPrice(self, params, e):
        return H.q(self._next_base_fee() + DEFAULT_TIP)

    def eth_maxPriorityFeePerGas(self, params, e):
        return H.q(DEFAULT_TIP)

    def eth_feeHistory(self, params, e):
        count = H.parse_quantity(_param(params, 0, "0x1"), "blockCount")
        newest_param = _param(params, 1, "latest")
        percentiles = _param(params, 2, None)
        if percentiles is not None:
            if not isinstance(percentiles, list) or any(not isinstance(p, (int, float)) or p < 0 or p > 100
                                                        for p in percentiles):
                raise RpcError(INVALID_PARAMS, "invalid reward percentile")
            if any(b < a for a, b in zip(percentiles, percentiles[1:])):
                raise RpcError(INVALID_PARAMS, "invalid reward percentile")
        newest = self._block_by_number_param(newest_param)
        if newest is None:
            raise RpcError(SERVER_ERROR, "request beyond head block")
        count = max(0, min(count, 1024, newest.block_number + 1))
        if count == 0:
            return {"oldestBlock": H.q(0), "baseFeePerGas": [], "gasUsedRatio": []}
        oldest = newest.block_number - count + 1
        base_fees, ratios, rewards = [], [], []
        for n in range(oldest, newest.block_number + 1):
            hd = self.dc.header_by_number(n)
            base_fees.append(H.q(hd.base_fee_per_gas))
            ratios.append(hd.gas_used / hd.gas_limit)
            if percentiles is not None:
                rewards.append([H.q(r) for r in self._rewards(hd, percentiles)])
        # the base fee of the block after `newest`
        if newest.block_number == self.dc.latest_number():
            base_fees.append(H.q(self._next_base_fee()))
        else:
            base_fees.append(H.q(self.dc.header_by_number(newest.block_number + 1).base_fee_per_gas))
        out = {"oldestBlock": H.q(oldest), "baseFeePerGas": base_fees, "gasUsedRatio": ratios,
               "baseFeePerBlobGas": ["0x0"] * (count + 1), "blobGasUsedRatio": [0.0] * count}
        if percentiles is not None:
            out["reward"] = rewards
        return out

    def _rewards(self, header, percentiles):
        blk = self.dc.block(header)
        if not blk.transactions:
            return [0 for _ in percentiles]
        receipts = self.dc.receipts(blk)
        items, prev = [], 0
        for tx, rc in zip(blk.transactions, receipts):
            tip = self.dc.effective_gas_price(tx, header) - header.base_fee_per_gas
            items.append((tip, rc.gas_used - prev))
            prev = rc.gas_used
        items.sort()
        total = sum(g for _, g in items) or 1
        out = []
        for p in percentiles:
            threshold = total * p / 100
            acc, chosen = 0, items[-1][0]
            for tip, g in items:
                acc += g
                if acc >= threshold:
                    chosen = tip
                    break
            out.append(chosen)
        return out

    # ------------------------------------------------------------------ eth_getLogs

    def _filter(self, obj):
        if not isinstance(obj, dict):
            raise RpcError(INVALID_PARAMS, "invalid argument 0: filter object expected")
        addresses = obj.get("address")
        if addresses is None:
            addrs = set()
        elif isinstance(addresses, str):
            addrs = {H.parse_address(addresses)}
        elif isinstance(addresses, list):
            addrs = {H.parse_address(a) for a in addresses}
        else:
            raise RpcError(INVALID_PARAMS, "invalid argument 0: address must be a string or an array")
        topics = obj.get("topics") or []
        if not isinstance(topics, list):
            raise RpcError(INVALID_PARAMS, "invalid argument 0: topics must be an array")
        if len(topics) > 4:
            raise RpcError(INVALID_PARAMS, "invalid argument 0: too many topics (max 4)")
        parsed = []
        for t in topics:
            if t is None:
                parsed.append(None)
            elif isinstance(t, str):
                parsed.append({H.parse_hash(t, "topic")})
            elif isinstance(t, list):
                opts = {H.parse_hash(x, "topic") for x in t if x is not None}
                # a null inside an OR-list matches anything, as in geth
                parsed.append(None if (not t or any(x is None for x in t)) else opts)
            else:
                raise RpcError(INVALID_PARAMS, "invalid argument 0: invalid topic")
        return addrs, parsed

    def eth_getLogs(self, params, e):
        obj = _param(params, 0)
        addrs, topics = self._filter(obj)
        dc = self.dc
        cfg = self.faults.cfg
        if obj.get("blockHash") is not None:
            if obj.get("fromBlock") is not None or obj.get("toBlock") is not None:
                raise RpcError(INVALID_PARAMS, "invalid argument 0: cannot specify both BlockHash and FromBlock/ToBlock, choose one or the other")
            header = dc.header_by_hash(H.parse_hash(obj["blockHash"], "blockHash"))
            if header is None:
                raise RpcError(SERVER_ERROR, "unknown block")
            headers = [header]
            start = end = header.block_number
        else:
            start = self._log_bound(obj.get("fromBlock"))
            end = self._log_bound(obj.get("toBlock"))
            latest = dc.latest_number()
            if start > latest:
                return []
            end = min(end, latest)
            if start > end:
                raise RpcError(SERVER_ERROR, "invalid block range params")
            if e is not None and cfg.range_limit is not None and end - start + 1 > cfg.range_limit:
                raise self._range_error(start, end, e.style)
            headers = None
        per_block = []
        results = []
        it = headers if headers is not None else (dc.header_by_number(n) for n in range(start, end + 1))
        for header in it:
            found = dc.logs_in_block(header, addrs, topics)
            per_block.append((header.block_number, len(found)))
            results.extend(found)
        if e is not None and cfg.result_limit is not None and len(results) > cfg.result_limit:
            msg = f"query returned more than {cfg.result_limit} results"
            if cfg.range_hint:
                acc, last = 0, start
                for n, c in per_block:
                    if acc + c > cfg.result_limit:
                        break
                    acc += c
                    last = n
                if per_block and per_block[0][1] > cfg.result_limit:
                    last = start
                msg += f". Try with this block range [{H.q(start)}, {H.q(last)}]."
            err = RpcError(LIMIT_EXCEEDED, msg)
            err.is_limit = "result_limit"
            raise err
        if e is not None and e.empty_logs and results:
            return []
        if e is not None and e.tamper:
            return [_tampered_log(j) for j in results]
        return results

    def _log_bound(self, v):
        if v is None:
            return self.dc.latest_number()
        if isinstance(v, str) and not v.startswith(("0x", "0X")):
            return self.dc.tag_number(v)
        return H.parse_quantity(v, "block number")

    def _range_error(self, start, end, drawn_style):
        cfg = self.faults.cfg
        style = cfg.style
        if style == "mixed":
            style = drawn_style or "limit"
        span = end - start + 1
        limit = cfg.range_limit
        if style == "hint":
            cap = cfg.result_limit or 10000
            err = RpcError(INVALID_PARAMS,
                           f"Log response size exceeded. You can make eth_getLogs requests with up to a "
                           f"{limit} block range and no limit on the response size, or you can request any "
                           f"block range with a cap of {cap} logs in the response. Based on your parameters, "
                           f"this block range should work: [{H.q(start)}, {H.q(start + limit - 1)}]")
        elif style == "wide":
            err = RpcError(SERVER_ERROR, "block range is too wide")
        else:
            err = RpcError(INVALID_PARAMS, f"query block range {span} exceeds limit of {limit}")
        err.is_limit = f"range_limit:{style}"
        return err

    # ================================================================== controls

    def evm_snapshot(self, params, e):
        return H.q(self.dc.snapshot())

    def evm_revert(self, params, e):
        return self.dc.revert(H.parse_quantity(_param(params, 0, "0x0"), "snapshot id"))

    def evm_mine(self, params, e):
        p = _param(params, 0)
        n, ts = 1, None
        if isinstance(p, dict):
            n = H.parse_quantity(p.get("blocks", 1), "blocks")
            if p.get("timestamp") is not None:
                ts = H.parse_quantity(p["timestamp"], "timestamp")
        elif p is not None:
            n = H.parse_quantity(p, "blocks")
        if n > 100000:
            raise RpcError(INVALID_PARAMS, "invalid argument: at most 100000 blocks per evm_mine")
        if ts is not None:
            self.dc.set_next_timestamp(ts)
        self.dc.mine(n)
        return "0x0"

    def evm_increaseTime(self, params, e):
        secs = H.parse_quantity(_param(params, 0, 0), "seconds")
        return H.q(self.dc.increase_time(secs))

    def evm_setNextBlockTimestamp(self, params, e):
        ts = H.parse_quantity(_param(params, 0, None), "timestamp")
        self.dc.set_next_timestamp(ts)
        return H.q(ts)

    def devnet_reorg(self, params, e):
        depth = H.parse_quantity(_param(params, 0, "0x1"), "depth")
        new_blocks = _param(params, 1)
        new_blocks = None if new_blocks is None else H.parse_quantity(new_blocks, "newBlocks")
        opts = _param(params, 2, {})
        if not isinstance(opts, dict):
            raise RpcError(INVALID_PARAMS, "invalid argument 2: options object expected")
        reinclude = opts.get("reinclude")
        if isinstance(reinclude, list):
            reinclude = [H.parse_hash(h, "transaction hash") for h in reinclude]
        elif reinclude not in (None, True, False, "all", "none"):
            raise RpcError(INVALID_PARAMS, "invalid argument 2: reinclude must be \"all\", \"none\" or a list of hashes")
        at = opts.get("reincludeAt")
        at = None if at is None else H.parse_quantity(at, "reincludeAt")
        return self.dc.reorg(depth, new_blocks, reinclude, at)

    def devnet_setFaults(self, params, e):
        spec = _param(params, 0, "off")
        if not isinstance(spec, str):
            raise RpcError(INVALID_PARAMS, "invalid argument 0: fault SPEC string expected")
        try:
            cfg = self.faults.configure(spec)
        except SpecError as err:
            raise RpcError(INVALID_PARAMS, f"invalid fault spec: {err}") from None
        self.info["faults"] = None if not cfg.active else cfg.spec
        return cfg.to_json()

    def devnet_getFaults(self, params, e):
        out = self.faults.cfg.to_json()
        out["requests"] = self.faults.requests
        out["log"] = list(self.faults.log)
        return out

    def devnet_setFinality(self, params, e):
        p = _param(params, 0, {})
        if not isinstance(p, dict):
            raise RpcError(INVALID_PARAMS, "invalid argument 0: {\"safe\": n, \"finalized\": m} expected")
        if p.get("safe") is not None:
            self.dc.safe_depth = H.parse_quantity(p["safe"], "safe")
        if p.get("finalized") is not None:
            self.dc.finalized_depth = H.parse_quantity(p["finalized"], "finalized")
        return {"safe": self.dc.safe_depth, "finalized": self.dc.finalized_depth}

    def devnet_info(self, params, e):
        head = self.dc.head()
        out = dict(self.info)
        out["head"] = {"number": H.q(head.block_number), "hash": H.b(head.hash), "timestamp": H.q(head.timestamp)}
        out["timeOffset"] = self.dc.time_offset
        out["safeDepth"] = self.dc.safe_depth
        out["finalizedDepth"] = self.dc.finalized_depth
        out["faults"] = self.faults.cfg.to_json()
        return out

    def devnet_shutdown(self, params, e):
        if self.shutdown_hook:
            self.shutdown_hook()
        return True


def _tampered_log(log):
    """A copy of a log JSON object whose first data word has its last byte flipped."""
    data = H.parse_data(log["data"], "data")
    if len(data) < 32:
        return log
    data = data[:31] + bytes([data[31] ^ 1]) + data[32:]
    return {**log, "data": H.b(data)}


def _dump(obj):
    return json.dumps(obj, separators=(",", ":")).encode()
