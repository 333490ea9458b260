# pragma version 0.4.3
# @title Multicall3 (Plenum devnet)
# @notice Batched calls with the ABI of the canonical Multicall3
#         (aggregate, tryAggregate, aggregate3 and the block helpers).
#         Bounds of this implementation: at most 64 calls per batch,
#         call data up to 4096 bytes, return data up to 4096 bytes per call
#         (longer return data is truncated).

MAX_CALLS: constant(uint256) = 64
MAX_DATA: constant(uint256) = 4096

struct Call:
    target: address
    callData: Bytes[MAX_DATA]

struct Call3:
    target: address
    allowFailure: bool
    callData: Bytes[MAX_DATA]

struct Result:
    success: bool
    returnData: Bytes[MAX_DATA]


@payable
@external
def aggregate(calls: DynArray[Call, MAX_CALLS]) -> (uint256, DynArray[Bytes[MAX_DATA], MAX_CALLS]):
    out: DynArray[Bytes[MAX_DATA], MAX_CALLS] = []
    for c: Call in calls:
        ok: bool = False
        data: Bytes[MAX_DATA] = b""
        ok, data = raw_call(c.target, c.callData, max_outsize=MAX_DATA, revert_on_failure=False)
        assert ok, "Multicall3: call failed"
        out.append(data)
    return (block.number, out)


@payable
@external
def tryAggregate(requireSuccess: bool, calls: DynArray[Call, MAX_CALLS]) -> DynArray[Result, MAX_CALLS]:
    out: DynArray[Result, MAX_CALLS] = []
    for c: Call in calls:
        ok: bool = False
        data: Bytes[MAX_DATA] = b""
        ok, data = raw_call(c.target, c.callData, max_outsize=MAX_DATA, revert_on_failure=False)
        if requireSuccess:
            assert ok, "Multicall3: call failed"
        out.append(Result(success=ok, returnData=data))
    return out


@payable
@external
def aggregate3(calls: DynArray[Call3, MAX_CALLS]) -> DynArray[Result, MAX_CALLS]:
    out: DynArray[Result, MAX_CALLS] = []
    for c: Call3 in calls:
        ok: bool = False
        data: Bytes[MAX_DATA] = b""
        ok, data = raw_call(c.target, c.callData, max_outsize=MAX_DATA, revert_on_failure=False)
        if not c.allowFailure:
            assert ok, "Multicall3: call failed"
        out.append(Result(success=ok, returnData=data))
    return out


@view
@external
def getBlockNumber() -> uint256:
    return block.number


@view
@external
def getCurrentBlockTimestamp() -> uint256:
    return block.timestamp


@view
@external
def getChainId() -> uint256:
    return chain.id


@view
@external
def getBasefee() -> uint256:
    return block.basefee


@view
@external
def getCurrentBlockGasLimit() -> uint256:
    return block.gaslimit


@view
@external
def getCurrentBlockCoinbase() -> address:
    return block.coinbase


@view
@external
def getBlockHash(blockNumber: uint256) -> bytes32:
    return blockhash(blockNumber)


@view
@external
def getLastBlockHash() -> bytes32:
    return blockhash(block.number - 1)


@view
@external
def getEthBalance(addr: address) -> uint256:
    return addr.balance
