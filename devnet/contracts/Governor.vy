# pragma version 0.4.3
# @title Governor (Plenum devnet)
# @notice A governor with the external surface and events of OpenZeppelin v5
#         Governor + GovernorCountingSimple + GovernorVotes +
#         GovernorVotesQuorumFraction (+ the ProposalExtended event of
#         GovernorPreventLateQuorum), written in Vyper for the Plenum
#         development chain. No timelock: queue() only records an ETA,
#         execute() performs the proposal's calls from this contract.
#         An admin (the deployer) may cancel any non-executed proposal,
#         extend a deadline and change the settings.

interface IVotes:
    def clock() -> uint48: view
    def CLOCK_MODE() -> String[32]: view
    def getPastVotes(account: address, timepoint: uint256) -> uint256: view
    def getPastTotalSupply(timepoint: uint256) -> uint256: view

MAX_ACTIONS: constant(uint256) = 16
MAX_CALLDATA: constant(uint256) = 4096
MAX_DESCRIPTION: constant(uint256) = 16384
MAX_REASON: constant(uint256) = 2048
MAX_PARAMS: constant(uint256) = 1024
MAX_SIGNATURE: constant(uint256) = 1024
GRACE_PERIOD: public(constant(uint256)) = 1209600  # 14 days, as Compound's timelock

# ProposalState, in OpenZeppelin's enum order
PENDING: constant(uint8) = 0
ACTIVE: constant(uint8) = 1
CANCELED: constant(uint8) = 2
DEFEATED: constant(uint8) = 3
SUCCEEDED: constant(uint8) = 4
QUEUED: constant(uint8) = 5
EXPIRED: constant(uint8) = 6
EXECUTED: constant(uint8) = 7

HALF_N: constant(uint256) = 57896044618658097711785492504343953926418782139537452191302581570759080747168
ERC1271_MAGIC: constant(bytes32) = 0x1626ba7e00000000000000000000000000000000000000000000000000000000

DOMAIN_TYPEHASH: constant(bytes32) = keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")
BALLOT_TYPEHASH: public(constant(bytes32)) = keccak256("Ballot(uint256 proposalId,uint8 support,address voter,uint256 nonce)")
EXTENDED_BALLOT_TYPEHASH: public(constant(bytes32)) = keccak256("ExtendedBallot(uint256 proposalId,uint8 support,address voter,uint256 nonce,string reason,bytes params)")

event ProposalCreated:
    proposalId: uint256
    proposer: address
    targets: DynArray[address, MAX_ACTIONS]
    values: DynArray[uint256, MAX_ACTIONS]
    signatures: DynArray[String[1], MAX_ACTIONS]
    calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS]
    voteStart: uint256
    voteEnd: uint256
    description: String[MAX_DESCRIPTION]

event ProposalQueued:
    proposalId: uint256
    etaSeconds: uint256

event ProposalExecuted:
    proposalId: uint256

event ProposalCanceled:
    proposalId: uint256

event ProposalExtended:
    proposalId: indexed(uint256)
    extendedDeadline: uint64

event VoteCast:
    voter: indexed(address)
    proposalId: uint256
    support: uint8
    weight: uint256
    reason: String[MAX_REASON]

event VoteCastWithParams:
    voter: indexed(address)
    proposalId: uint256
    support: uint8
    weight: uint256
    reason: String[MAX_REASON]
    params: Bytes[MAX_PARAMS]

event VotingDelaySet:
    oldVotingDelay: uint256
    newVotingDelay: uint256

event VotingPeriodSet:
    oldVotingPeriod: uint256
    newVotingPeriod: uint256

event ProposalThresholdSet:
    oldProposalThreshold: uint256
    newProposalThreshold: uint256

event QuorumNumeratorUpdated:
    oldQuorumNumerator: uint256
    newQuorumNumerator: uint256

struct ProposalCore:
    proposer: address
    voteStart: uint256
    voteDuration: uint256
    extendedDeadline: uint256
    etaSeconds: uint256
    executed: bool
    canceled: bool

struct ProposalVote:
    againstVotes: uint256
    forVotes: uint256
    abstainVotes: uint256

token: public(address)
admin: public(address)
votingDelay: public(uint256)
votingPeriod: public(uint256)
proposalThreshold: public(uint256)
quorumNumerator: public(uint256)
executionDelay: public(uint256)
proposalCount: public(uint256)
nonces: public(HashMap[address, uint256])

_name: String[64]
_proposals: HashMap[uint256, ProposalCore]
_votes: HashMap[uint256, ProposalVote]
_voted: HashMap[uint256, HashMap[address, bool]]


@deploy
def __init__(token_: address, name_: String[64], voting_delay: uint256, voting_period: uint256,
             quorum_numerator: uint256, proposal_threshold: uint256):
    assert voting_period > 0, "GovernorInvalidVotingPeriod"
    assert quorum_numerator <= 100, "GovernorInvalidQuorumFraction"
    self.token = token_
    self._name = name_
    self.admin = msg.sender
    self.votingDelay = voting_delay
    self.votingPeriod = voting_period
    self.quorumNumerator = quorum_numerator
    self.proposalThreshold = proposal_threshold


@payable
@external
def __default__():
    # like OZ's receive(): the governor may hold ether for its proposals
    # plain ether transfers only: unknown selectors revert
    assert len(msg.data) == 0, "unknown function"


# ---------------------------------------------------------------- metadata

@view
@external
def name() -> String[64]:
    return self._name


@pure
@external
def version() -> String[8]:
    return "1"


@pure
@external
def COUNTING_MODE() -> String[64]:
    return "support=bravo&quorum=for,abstain"


@pure
@external
def quorumDenominator() -> uint256:
    return 100


@view
@internal
def _clock() -> uint256:
    return convert(staticcall IVotes(self.token).clock(), uint256)


@view
@external
def clock() -> uint48:
    return staticcall IVotes(self.token).clock()


@view
@external
def CLOCK_MODE() -> String[32]:
    return staticcall IVotes(self.token).CLOCK_MODE()


@view
@internal
def _domain_separator() -> bytes32:
    return keccak256(abi_encode(DOMAIN_TYPEHASH, keccak256(self._name), keccak256("1"), chain.id, self))


@view
@external
def DOMAIN_SEPARATOR() -> bytes32:
    return self._domain_separator()


@view
@external
def eip712Domain() -> (bytes1, String[64], String[8], uint256, address, bytes32, DynArray[uint256, 1]):
    # ERC-5267
    return (0x0f, self._name, "1", chain.id, self, empty(bytes32), [])


# ---------------------------------------------------------------- errors (OZ custom errors)

@pure
@internal
def _state_bitmap(s: uint8) -> bytes32:
    return convert(1 << convert(s, uint256), bytes32)


@pure
@internal
def _revert_unexpected_state(proposal_id: uint256, current: uint8, expected: bytes32):
    raw_revert(concat(method_id("GovernorUnexpectedProposalState(uint256,uint8,bytes32)"),
                      abi_encode(proposal_id, current, expected)))


# ---------------------------------------------------------------- proposals

@pure
@internal
def _hash_proposal(targets: DynArray[address, MAX_ACTIONS], values: DynArray[uint256, MAX_ACTIONS],
                   calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS], description_hash: bytes32) -> uint256:
    return convert(keccak256(abi_encode(targets, values, calldatas, description_hash)), uint256)


@pure
@external
def hashProposal(targets: DynArray[address, MAX_ACTIONS], values: DynArray[uint256, MAX_ACTIONS],
                 calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS], descriptionHash: bytes32) -> uint256:
    return self._hash_proposal(targets, values, calldatas, descriptionHash)


@view
@external
def getProposalId(targets: DynArray[address, MAX_ACTIONS], values: DynArray[uint256, MAX_ACTIONS],
                  calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS], descriptionHash: bytes32) -> uint256:
    return self._hash_proposal(targets, values, calldatas, descriptionHash)


@view
@internal
def _deadline(proposal_id: uint256) -> uint256:
    p: ProposalCore = self._proposals[proposal_id]
    return max(p.voteStart + p.voteDuration, p.extendedDeadline)


@view
@internal
def _quorum(timepoint: uint256) -> uint256:
    return staticcall IVotes(self.token).getPastTotalSupply(timepoint) * self.quorumNumerator // 100


@view
@internal
def _quorum_reached(proposal_id: uint256) -> bool:
    v: ProposalVote = self._votes[proposal_id]
    return self._quorum(self._proposals[proposal_id].voteStart) <= v.forVotes + v.abstainVotes


@view
@internal
def _vote_succeeded(proposal_id: uint256) -> bool:
    v: ProposalVote = self._votes[proposal_id]
    return v.forVotes > v.againstVotes


@view
@internal
def _state(proposal_id: uint256) -> uint8:
    p: ProposalCore = self._proposals[proposal_id]
    if p.executed:
        return EXECUTED
    if p.canceled:
        return CANCELED
    if p.voteStart == 0:
        raw_revert(concat(method_id("GovernorNonexistentProposal(uint256)"), abi_encode(proposal_id)))
    now: uint256 = self._clock()
    if p.voteStart >= now:
        return PENDING
    if self._deadline(proposal_id) >= now:
        return ACTIVE
    if not self._quorum_reached(proposal_id) or not self._vote_succeeded(proposal_id):
        return DEFEATED
    if p.etaSeconds == 0:
        return SUCCEEDED
    if block.timestamp >= p.etaSeconds + GRACE_PERIOD:
        return EXPIRED
    return QUEUED


@view
@external
def state(proposalId: uint256) -> uint8:
    return self._state(proposalId)


@view
@external
def proposalSnapshot(proposalId: uint256) -> uint256:
    return self._proposals[proposalId].voteStart


@view
@external
def proposalDeadline(proposalId: uint256) -> uint256:
    return self._deadline(proposalId)


@view
@external
def proposalProposer(proposalId: uint256) -> address:
    return self._proposals[proposalId].proposer


@view
@external
def proposalEta(proposalId: uint256) -> uint256:
    return self._proposals[proposalId].etaSeconds


@pure
@external
def proposalNeedsQueuing(proposalId: uint256) -> bool:
    return False


@view
@external
def quorum(timepoint: uint256) -> uint256:
    return self._quorum(timepoint)


@view
@external
def getVotes(account: address, timepoint: uint256) -> uint256:
    return staticcall IVotes(self.token).getPastVotes(account, timepoint)


@view
@external
def getVotesWithParams(account: address, timepoint: uint256, params: Bytes[MAX_PARAMS]) -> uint256:
    return staticcall IVotes(self.token).getPastVotes(account, timepoint)


@view
@external
def hasVoted(proposalId: uint256, account: address) -> bool:
    return self._voted[proposalId][account]


@view
@external
def proposalVotes(proposalId: uint256) -> (uint256, uint256, uint256):
    v: ProposalVote = self._votes[proposalId]
    return (v.againstVotes, v.forVotes, v.abstainVotes)


@external
def propose(targets: DynArray[address, MAX_ACTIONS], values: DynArray[uint256, MAX_ACTIONS],
            calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS], description: String[MAX_DESCRIPTION]) -> uint256:
    proposer: address = msg.sender
    now: uint256 = self._clock()
    threshold: uint256 = self.proposalThreshold
    if threshold > 0:
        votes: uint256 = staticcall IVotes(self.token).getPastVotes(proposer, now - 1)
        if votes < threshold:
            raw_revert(concat(method_id("GovernorInsufficientProposerVotes(address,uint256,uint256)"),
                              abi_encode(proposer, votes, threshold)))
    if len(targets) != len(values) or len(targets) != len(calldatas) or len(targets) == 0:
        raw_revert(concat(method_id("GovernorInvalidProposalLength(uint256,uint256,uint256)"),
                          abi_encode(len(targets), len(calldatas), len(values))))
    proposal_id: uint256 = self._hash_proposal(targets, values, calldatas, keccak256(description))
    if self._proposals[proposal_id].voteStart != 0:
        self._revert_unexpected_state(proposal_id, self._state(proposal_id), empty(bytes32))

    snapshot: uint256 = now + self.votingDelay
    duration: uint256 = self.votingPeriod
    self._proposals[proposal_id] = ProposalCore(
        proposer=proposer, voteStart=snapshot, voteDuration=duration,
        extendedDeadline=0, etaSeconds=0, executed=False, canceled=False)
    self.proposalCount += 1

    signatures: DynArray[String[1], MAX_ACTIONS] = []
    for _: address in targets:
        signatures.append("")
    log ProposalCreated(proposalId=proposal_id, proposer=proposer, targets=targets, values=values,
                        signatures=signatures, calldatas=calldatas, voteStart=snapshot,
                        voteEnd=snapshot + duration, description=description)
    return proposal_id


@external
def queue(targets: DynArray[address, MAX_ACTIONS], values: DynArray[uint256, MAX_ACTIONS],
          calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS], descriptionHash: bytes32) -> uint256:
    proposal_id: uint256 = self._hash_proposal(targets, values, calldatas, descriptionHash)
    current: uint8 = self._state(proposal_id)
    if current != SUCCEEDED:
        self._revert_unexpected_state(proposal_id, current, self._state_bitmap(SUCCEEDED))
    eta: uint256 = block.timestamp + self.executionDelay
    self._proposals[proposal_id].etaSeconds = eta
    log ProposalQueued(proposalId=proposal_id, etaSeconds=eta)
    return proposal_id


@payable
@external
def execute(targets: DynArray[address, MAX_ACTIONS], values: DynArray[uint256, MAX_ACTIONS],
            calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS], descriptionHash: bytes32) -> uint256:
    proposal_id: uint256 = self._hash_proposal(targets, values, calldatas, descriptionHash)
    current: uint8 = self._state(proposal_id)
    if current != SUCCEEDED and current != QUEUED:
        self._revert_unexpected_state(proposal_id, current,
                                      self._state_bitmap(SUCCEEDED) | self._state_bitmap(QUEUED))
    eta: uint256 = self._proposals[proposal_id].etaSeconds
    assert eta == 0 or block.timestamp >= eta, "GovernorTimelockNotReady"
    self._proposals[proposal_id].executed = True
    for i: uint256 in range(len(targets), bound=MAX_ACTIONS):
        raw_call(targets[i], calldatas[i], value=values[i])
    log ProposalExecuted(proposalId=proposal_id)
    return proposal_id


@external
def cancel(targets: DynArray[address, MAX_ACTIONS], values: DynArray[uint256, MAX_ACTIONS],
           calldatas: DynArray[Bytes[MAX_CALLDATA], MAX_ACTIONS], descriptionHash: bytes32) -> uint256:
    proposal_id: uint256 = self._hash_proposal(targets, values, calldatas, descriptionHash)
    return self._cancel(proposal_id)


@external
def cancelById(proposalId: uint256) -> uint256:
    return self._cancel(proposalId)


@internal
def _cancel(proposal_id: uint256) -> uint256:
    current: uint8 = self._state(proposal_id)
    if msg.sender == self.admin or msg.sender == self:
        # the admin may cancel anything not yet final
        if current == CANCELED or current == EXPIRED or current == EXECUTED:
            self._revert_unexpected_state(proposal_id, current, 0x000000000000000000000000000000000000000000000000000000000000003b)
    else:
        # OpenZeppelin v5: only the proposer, and only while pending
        if msg.sender != self._proposals[proposal_id].proposer:
            raw_revert(concat(method_id("GovernorOnlyProposer(address)"), abi_encode(msg.sender)))
        if current != PENDING:
            self._revert_unexpected_state(proposal_id, current, self._state_bitmap(PENDING))
    self._proposals[proposal_id].canceled = True
    log ProposalCanceled(proposalId=proposal_id)
    return proposal_id


@external
def extendDeadline(proposalId: uint256, newDeadline: uint64):
    assert msg.sender == self.admin or msg.sender == self, "only admin"
    current: uint8 = self._state(proposalId)
    if current != PENDING and current != ACTIVE:
        self._revert_unexpected_state(proposalId, current,
                                      self._state_bitmap(PENDING) | self._state_bitmap(ACTIVE))
    assert convert(newDeadline, uint256) > self._deadline(proposalId), "deadline must grow"
    self._proposals[proposalId].extendedDeadline = convert(newDeadline, uint256)
    log ProposalExtended(proposalId=proposalId, extendedDeadline=newDeadline)


# ---------------------------------------------------------------- voting

@internal
def _cast_vote(proposal_id: uint256, account: address, support: uint8, reason: String[MAX_REASON],
               params: Bytes[MAX_PARAMS]) -> uint256:
    current: uint8 = self._state(proposal_id)
    if current != ACTIVE:
        self._revert_unexpected_state(proposal_id, current, self._state_bitmap(ACTIVE))
    if support > 2:
        raw_revert(method_id("GovernorInvalidVoteType()"))
    if self._voted[proposal_id][account]:
        raw_revert(concat(method_id("GovernorAlreadyCastVote(address)"), abi_encode(account)))
    weight: uint256 = staticcall IVotes(self.token).getPastVotes(account, self._proposals[proposal_id].voteStart)
    self._voted[proposal_id][account] = True
    if support == 0:
        self._votes[proposal_id].againstVotes += weight
    elif support == 1:
        self._votes[proposal_id].forVotes += weight
    else:
        self._votes[proposal_id].abstainVotes += weight
    if len(params) == 0:
        log VoteCast(voter=account, proposalId=proposal_id, support=support, weight=weight, reason=reason)
    else:
        log VoteCastWithParams(voter=account, proposalId=proposal_id, support=support, weight=weight,
                               reason=reason, params=params)
    return weight


@external
def castVote(proposalId: uint256, support: uint8) -> uint256:
    return self._cast_vote(proposalId, msg.sender, support, "", b"")


@external
def castVoteWithReason(proposalId: uint256, support: uint8, reason: String[MAX_REASON]) -> uint256:
    return self._cast_vote(proposalId, msg.sender, support, reason, b"")


@external
def castVoteWithReasonAndParams(proposalId: uint256, support: uint8, reason: String[MAX_REASON],
                                params: Bytes[MAX_PARAMS]) -> uint256:
    return self._cast_vote(proposalId, msg.sender, support, reason, params)


@internal
def _valid_signature(signer: address, digest: bytes32, signature: Bytes[MAX_SIGNATURE]) -> bool:
    # OpenZeppelin SignatureChecker: ECDSA for accounts without code, EIP-1271 otherwise
    if signer.is_contract:
        ok: bool = False
        resp: Bytes[32] = b""
        ok, resp = raw_call(signer,
                            abi_encode(digest, signature, method_id=method_id("isValidSignature(bytes32,bytes)")),
                            max_outsize=32, is_static_call=True, revert_on_failure=False)
        return ok and len(resp) == 32 and extract32(resp, 0) == ERC1271_MAGIC
    if len(signature) != 65:
        return False
    r: bytes32 = extract32(signature, 0)
    s: bytes32 = extract32(signature, 32)
    v: uint256 = convert(slice(signature, 64, 1), uint256)
    if convert(s, uint256) > HALF_N:
        return False
    if v != 27 and v != 28:
        return False
    recovered: address = ecrecover(digest, v, r, s)
    return recovered != empty(address) and recovered == signer


@internal
def _use_nonce(owner: address) -> uint256:
    n: uint256 = self.nonces[owner]
    self.nonces[owner] = n + 1
    return n


@external
def castVoteBySig(proposalId: uint256, support: uint8, voter: address, signature: Bytes[MAX_SIGNATURE]) -> uint256:
    struct_hash: bytes32 = keccak256(abi_encode(BALLOT_TYPEHASH, proposalId, support, voter, self._use_nonce(voter)))
    digest: bytes32 = keccak256(concat(b"\x19\x01", self._domain_separator(), struct_hash))
    if not self._valid_signature(voter, digest, signature):
        raw_revert(concat(method_id("GovernorInvalidSignature(address)"), abi_encode(voter)))
    return self._cast_vote(proposalId, voter, support, "", b"")


@external
def castVoteWithReasonAndParamsBySig(proposalId: uint256, support: uint8, voter: address,
                                     reason: String[MAX_REASON], params: Bytes[MAX_PARAMS],
                                     signature: Bytes[MAX_SIGNATURE]) -> uint256:
    struct_hash: bytes32 = keccak256(abi_encode(EXTENDED_BALLOT_TYPEHASH, proposalId, support, voter,
                                                self._use_nonce(voter), keccak256(reason), keccak256(params)))
    digest: bytes32 = keccak256(concat(b"\x19\x01", self._domain_separator(), struct_hash))
    if not self._valid_signature(voter, digest, signature):
        raw_revert(concat(method_id("GovernorInvalidSignature(address)"), abi_encode(voter)))
    return self._cast_vote(proposalId, voter, support, reason, params)


# ---------------------------------------------------------------- settings (admin or governance)

@internal
def _only_admin():
    assert msg.sender == self.admin or msg.sender == self, "only admin"


@external
def setVotingDelay(newVotingDelay: uint256):
    self._only_admin()
    log VotingDelaySet(oldVotingDelay=self.votingDelay, newVotingDelay=newVotingDelay)
    self.votingDelay = newVotingDelay


@external
def setVotingPeriod(newVotingPeriod: uint256):
    self._only_admin()
    assert newVotingPeriod > 0, "GovernorInvalidVotingPeriod"
    log VotingPeriodSet(oldVotingPeriod=self.votingPeriod, newVotingPeriod=newVotingPeriod)
    self.votingPeriod = newVotingPeriod


@external
def setProposalThreshold(newProposalThreshold: uint256):
    self._only_admin()
    log ProposalThresholdSet(oldProposalThreshold=self.proposalThreshold, newProposalThreshold=newProposalThreshold)
    self.proposalThreshold = newProposalThreshold


@external
def updateQuorumNumerator(newQuorumNumerator: uint256):
    self._only_admin()
    assert newQuorumNumerator <= 100, "GovernorInvalidQuorumFraction"
    log QuorumNumeratorUpdated(oldQuorumNumerator=self.quorumNumerator, newQuorumNumerator=newQuorumNumerator)
    self.quorumNumerator = newQuorumNumerator


@external
def setExecutionDelay(newExecutionDelay: uint256):
    self._only_admin()
    self.executionDelay = newExecutionDelay


@external
def setAdmin(newAdmin: address):
    self._only_admin()
    self.admin = newAdmin
