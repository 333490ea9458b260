# pragma version 0.4.3
# @title VotesToken (Plenum devnet)
# @notice ERC-20 with ERC20Votes-style checkpoints (delegate, getVotes,
#         getPastVotes, getPastTotalSupply), ERC-6372 clock (block number or
#         timestamp, chosen at deployment) and EIP-712 delegateBySig.
#         Written for the Plenum development chain; the external surface and
#         events follow OpenZeppelin v5 ERC20Votes so clients can be tested
#         against it.

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256

event DelegateChanged:
    delegator: indexed(address)
    fromDelegate: indexed(address)
    toDelegate: indexed(address)

event DelegateVotesChanged:
    delegate: indexed(address)
    previousVotes: uint256
    newVotes: uint256

struct Checkpoint:
    _key: uint48
    _value: uint208

MAX_SEARCH: constant(uint256) = 64

name: public(String[64])
symbol: public(String[32])
decimals: public(constant(uint8)) = 18
totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
minter: public(address)
nonces: public(HashMap[address, uint256])

# per-account vote checkpoints and the total supply checkpoints
_delegatee: HashMap[address, address]
_ckpts: HashMap[address, HashMap[uint256, Checkpoint]]
_nckpts: HashMap[address, uint256]
_supply_ckpts: HashMap[uint256, Checkpoint]
_nsupply: uint256

_timestamp_clock: bool

DOMAIN_TYPEHASH: constant(bytes32) = keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
DELEGATION_TYPEHASH: constant(bytes32) = keccak256("Delegation(address delegatee,uint256 nonce,uint256 expiry)")
# secp256k1n / 2
HALF_N: constant(uint256) = 57896044618658097711785492504343953926418782139537452191302581570759080747168


@deploy
def __init__(name_: String[64], symbol_: String[32], timestamp_clock: bool):
    self.name = name_
    self.symbol = symbol_
    self.minter = msg.sender
    self._timestamp_clock = timestamp_clock


# ---------------------------------------------------------------- ERC-6372

@view
@internal
def _clock() -> uint48:
    if self._timestamp_clock:
        return convert(block.timestamp, uint48)
    return convert(block.number, uint48)


@view
@external
def clock() -> uint48:
    return self._clock()


@view
@external
def CLOCK_MODE() -> String[32]:
    if self._timestamp_clock:
        return "mode=timestamp"
    return "mode=blocknumber&from=default"


# ---------------------------------------------------------------- checkpoints

@view
@internal
def _latest(account: address) -> uint256:
    n: uint256 = self._nckpts[account]
    if n == 0:
        return 0
    return convert(self._ckpts[account][n - 1]._value, uint256)


@view
@internal
def _latest_supply() -> uint256:
    n: uint256 = self._nsupply
    if n == 0:
        return 0
    return convert(self._supply_ckpts[n - 1]._value, uint256)


@internal
def _push(account: address, votes: uint256):
    now: uint48 = self._clock()
    n: uint256 = self._nckpts[account]
    if n > 0 and self._ckpts[account][n - 1]._key == now:
        self._ckpts[account][n - 1]._value = convert(votes, uint208)
    else:
        self._ckpts[account][n] = Checkpoint(_key=now, _value=convert(votes, uint208))
        self._nckpts[account] = n + 1


@internal
def _push_supply(supply: uint256):
    now: uint48 = self._clock()
    n: uint256 = self._nsupply
    if n > 0 and self._supply_ckpts[n - 1]._key == now:
        self._supply_ckpts[n - 1]._value = convert(supply, uint208)
    else:
        self._supply_ckpts[n] = Checkpoint(_key=now, _value=convert(supply, uint208))
        self._nsupply = n + 1


@view
@internal
def _future_lookup(timepoint: uint256):
    # OpenZeppelin's ERC5805FutureLookup(uint256 timepoint, uint48 clock)
    now: uint48 = self._clock()
    if timepoint >= convert(now, uint256):
        raw_revert(concat(method_id("ERC5805FutureLookup(uint256,uint48)"), abi_encode(timepoint, now)))


@view
@internal
def _upper_lookup(account: address, timepoint: uint256) -> uint256:
    # value of the last checkpoint whose key <= timepoint (0 if none)
    lo: uint256 = 0
    hi: uint256 = self._nckpts[account]
    for _: uint256 in range(MAX_SEARCH):
        if lo >= hi:
            break
        mid: uint256 = (lo + hi) // 2
        if convert(self._ckpts[account][mid]._key, uint256) > timepoint:
            hi = mid
        else:
            lo = mid + 1
    if hi == 0:
        return 0
    return convert(self._ckpts[account][hi - 1]._value, uint256)


@view
@internal
def _upper_lookup_supply(timepoint: uint256) -> uint256:
    lo: uint256 = 0
    hi: uint256 = self._nsupply
    for _: uint256 in range(MAX_SEARCH):
        if lo >= hi:
            break
        mid: uint256 = (lo + hi) // 2
        if convert(self._supply_ckpts[mid]._key, uint256) > timepoint:
            hi = mid
        else:
            lo = mid + 1
    if hi == 0:
        return 0
    return convert(self._supply_ckpts[hi - 1]._value, uint256)


@internal
def _move_votes(src: address, dst: address, amount: uint256):
    if src == dst or amount == 0:
        return
    if src != empty(address):
        old: uint256 = self._latest(src)
        self._push(src, old - amount)
        log DelegateVotesChanged(delegate=src, previousVotes=old, newVotes=old - amount)
    if dst != empty(address):
        old: uint256 = self._latest(dst)
        self._push(dst, old + amount)
        log DelegateVotesChanged(delegate=dst, previousVotes=old, newVotes=old + amount)


@internal
def _delegate(account: address, delegatee: address):
    old: address = self._delegatee[account]
    self._delegatee[account] = delegatee
    log DelegateChanged(delegator=account, fromDelegate=old, toDelegate=delegatee)
    self._move_votes(old, delegatee, self.balanceOf[account])


@view
@external
def delegates(account: address) -> address:
    return self._delegatee[account]


@external
def delegate(delegatee: address):
    self._delegate(msg.sender, delegatee)


@view
@internal
def _domain_separator() -> bytes32:
    return keccak256(abi_encode(DOMAIN_TYPEHASH, keccak256(self.name), keccak256("1"), chain.id, self))


@view
@external
def DOMAIN_SEPARATOR() -> bytes32:
    return self._domain_separator()


@external
def delegateBySig(delegatee: address, nonce: uint256, expiry: uint256, v: uint8, r: bytes32, s: bytes32):
    assert block.timestamp <= expiry, "VotesExpiredSignature"
    assert convert(s, uint256) <= HALF_N, "ECDSAInvalidSignatureS"
    digest: bytes32 = keccak256(concat(
        b"\x19\x01",
        self._domain_separator(),
        keccak256(abi_encode(DELEGATION_TYPEHASH, delegatee, nonce, expiry)),
    ))
    signer: address = ecrecover(digest, v, r, s)
    assert signer != empty(address), "ECDSAInvalidSignature"
    assert nonce == self.nonces[signer], "InvalidAccountNonce"
    self.nonces[signer] = nonce + 1
    self._delegate(signer, delegatee)


@view
@external
def getVotes(account: address) -> uint256:
    return self._latest(account)


@view
@external
def getPastVotes(account: address, timepoint: uint256) -> uint256:
    self._future_lookup(timepoint)
    return self._upper_lookup(account, timepoint)


@view
@external
def getPastTotalSupply(timepoint: uint256) -> uint256:
    self._future_lookup(timepoint)
    return self._upper_lookup_supply(timepoint)


@view
@external
def numCheckpoints(account: address) -> uint32:
    return convert(self._nckpts[account], uint32)


@view
@external
def checkpoints(account: address, pos: uint32) -> Checkpoint:
    assert convert(pos, uint256) < self._nckpts[account], "checkpoint out of range"
    return self._ckpts[account][convert(pos, uint256)]


# ---------------------------------------------------------------- ERC-20

@internal
def _update(sender: address, receiver: address, amount: uint256):
    if sender == empty(address):
        self.totalSupply += amount
        self._push_supply(self._latest_supply() + amount)
    else:
        bal: uint256 = self.balanceOf[sender]
        assert bal >= amount, "ERC20InsufficientBalance"
        self.balanceOf[sender] = bal - amount
    if receiver == empty(address):
        self.totalSupply -= amount
        self._push_supply(self._latest_supply() - amount)
    else:
        self.balanceOf[receiver] += amount
    log Transfer(sender=sender, receiver=receiver, value=amount)
    self._move_votes(self._delegatee[sender], self._delegatee[receiver], amount)


@external
def transfer(receiver: address, amount: uint256) -> bool:
    assert receiver != empty(address), "ERC20InvalidReceiver"
    self._update(msg.sender, receiver, amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, value=amount)
    return True


@external
def transferFrom(sender: address, receiver: address, amount: uint256) -> bool:
    assert receiver != empty(address), "ERC20InvalidReceiver"
    allowed: uint256 = self.allowance[sender][msg.sender]
    if allowed != max_value(uint256):
        assert allowed >= amount, "ERC20InsufficientAllowance"
        self.allowance[sender][msg.sender] = allowed - amount
    self._update(sender, receiver, amount)
    return True


@external
def mint(receiver: address, amount: uint256):
    assert msg.sender == self.minter, "only the minter"
    assert receiver != empty(address), "ERC20InvalidReceiver"
    self._update(empty(address), receiver, amount)


@external
def burn(amount: uint256):
    self._update(msg.sender, empty(address), amount)
