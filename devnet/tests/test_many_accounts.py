"""The largest documented devnet (`--accounts 200`): its set-up needs more gas than one
block holds, so it spans several blocks; every account still has its voting power from
the block after set-up, and the contracts keep their deterministic addresses. Checked
with web3.py and eth-account, independently of the node's own code."""

import json

import pytest
from eth_abi import decode
from eth_account import Account
from web3 import Web3

from conftest import start_devnet
from plenumdev.client import decode_proposal_created, encode_call

ACCOUNTS = 200
TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
GOVERNOR = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"
WALLET = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"
MULTICALL3 = "0xcA11bde05977b3631167028862bE2a173976CA11"
GAS_LIMIT = 30_000_000


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    d = start_devnet(tmp_path_factory, accounts=ACCOUNTS)
    yield d
    d.stop()


@pytest.fixture(scope="module")
def w3(big):
    return Web3(Web3.HTTPProvider(big.url, request_kwargs={"headers": {"X-Devnet-No-Faults": "1"}}))


def contract(w3, big, name, address):
    with open(big.info["abi"][name]) as f:
        return w3.eth.contract(address=address, abi=json.load(f))


def test_contract_addresses_unchanged(big, w3):
    assert big.info["contracts"] == {"token": TOKEN, "governor": GOVERNOR, "wallet": WALLET,
                                     "multicall3": MULTICALL3}
    for address in (TOKEN, GOVERNOR, WALLET, MULTICALL3):
        assert len(w3.eth.get_code(address)) > 0
    # the nonces 0, 1, 2 of the deployer, as the addresses say
    deployer = big.info["deployer"]["address"]
    assert deployer == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    assert [Web3.to_checksum_address(w3.keccak(b"\xd6\x94" + bytes.fromhex(deployer[2:]) + n)[12:])
            for n in (b"\x80", b"\x01", b"\x02")] == [TOKEN, GOVERNOR, WALLET]


def test_accounts_are_the_mnemonic_accounts(big):
    assert len(big.accounts) == ACCOUNTS
    Account.enable_unaudited_hdwallet_features()
    mnemonic = big.info["mnemonic"]
    for i in (0, 1, 2, 99, ACCOUNTS - 1):
        acct = Account.from_mnemonic(mnemonic, account_path=f"m/44'/60'/0'/0/{i + 1}")
        assert big.accounts[i]["address"] == acct.address
        assert big.accounts[i]["privateKey"] == "0x" + acct.key.hex().removeprefix("0x")
    assert big.info["deployer"]["address"] == Account.from_mnemonic(
        mnemonic, account_path="m/44'/60'/0'/0/0").address


def test_setup_spans_blocks_within_the_gas_limit(big, w3):
    first, last = big.info["setupBlock"], big.info["setupLastBlock"]
    assert first == 1
    assert last > first, "200 accounts need more than one block of set-up"
    # the node is started with the block after set-up as its head
    assert w3.eth.get_block("latest")["number"] >= last + 1
    assert len(w3.eth.get_block(last + 1)["transactions"]) == 0
    total = 0
    for n in range(first, last + 1):
        block = w3.eth.get_block(n)
        assert block["gasLimit"] == GAS_LIMIT and 0 < block["gasUsed"] <= GAS_LIMIT
        receipts = w3.eth.get_block_receipts(n)
        assert len(receipts) == len(block["transactions"]) > 0
        assert all(r["status"] == 1 for r in receipts)
        total += len(receipts)
    # 3 deployments, 200 + 1 mints, 200 + 1 delegations
    assert total == 3 + 2 * (ACCOUNTS + 1)


def test_every_account_has_its_votes_from_the_block_after_setup(big, w3):
    after = big.info["setupLastBlock"] + 1
    # one JSON-RPC batch (eth-abi encodes and decodes): getVotes and delegates of every
    # account, and the wallet's votes, at the block after set-up
    calls = []
    for acct in big.accounts:
        for sig in ("getVotes(address)", "delegates(address)"):
            calls.append(("eth_call", [{"to": TOKEN, "input": "0x" + encode_call(sig, acct["address"]).hex()},
                                       hex(after)]))
    calls.append(("eth_call", [{"to": TOKEN, "input": "0x" + encode_call("getVotes(address)", WALLET).hex()},
                               hex(after)]))
    answers = sorted(big.rpc.batch(calls), key=lambda a: a["id"])
    assert len(answers) == len(calls) and all("result" in a for a in answers)
    words = [bytes.fromhex(a["result"][2:]) for a in answers]
    total = 0
    for acct, votes, delegate in zip(big.accounts, words[0::2], words[1::2]):
        balance = int(acct["tokenBalance"])
        assert balance == 1000 * (ACCOUNTS - acct["index"]) * 10**18
        assert decode(["uint256"], votes)[0] == balance, acct["index"]
        assert Web3.to_checksum_address(decode(["address"], delegate)[0]) == acct["address"]
        total += balance
    wallet_balance = int(big.info["wallet"]["balance"])
    assert decode(["uint256"], words[-1])[0] == wallet_balance
    total += wallet_balance
    # the same through web3.py for the totals, the first and the last account
    token = contract(w3, big, "token", TOKEN)
    assert token.functions.totalSupply().call(block_identifier=after) == total == int(big.info["token"]["totalSupply"])
    for acct in (big.accounts[0], big.accounts[-1]):
        assert token.functions.getVotes(acct["address"]).call(block_identifier=after) == int(acct["tokenBalance"])
    # and as of the last set-up block, once it is in the past
    last = big.info["setupLastBlock"]
    assert token.functions.getPastTotalSupply(last).call(block_identifier=after) == total
    assert token.functions.getPastVotes(big.accounts[-1]["address"], last).call(
        block_identifier=after) == int(big.accounts[-1]["tokenBalance"])


def test_last_account_votes_with_its_full_weight(big, w3):
    dn = big
    governor = contract(w3, dn, "governor", GOVERNOR)
    receipt = dn.transact(dn.key(ACCOUNTS - 1), dn.governor, "propose(address[],uint256[],bytes[],string)",
                          [dn.governor], [0], [b""], "200 accounts")
    assert receipt["status"] == "0x1"
    proposal_id = decode_proposal_created(receipt["logs"][0])["proposalId"]
    dn.mine(dn.info["governor"]["votingDelay"] + 1)
    receipt = dn.transact(dn.key(ACCOUNTS - 1), dn.governor, "castVote(uint256,uint8)", proposal_id, 1)
    assert receipt["status"] == "0x1"
    against, for_votes, abstain = governor.functions.proposalVotes(proposal_id).call()
    assert (against, for_votes, abstain) == (0, int(dn.accounts[-1]["tokenBalance"]), 0)
