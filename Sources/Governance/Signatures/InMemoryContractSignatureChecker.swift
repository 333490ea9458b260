import Ethereum

/// Contract wallets simulated in memory, for tests: each wallet accepts an ECDSA signature (65 or
/// 64 bytes) by its current owner, as the devnet's `SmartWallet` does. Build a new value to change owners.
public struct InMemoryContractSignatureChecker: ContractSignatureChecker {
    /// Wallet → owner.
    public let owners: [Address: Address]

    public init(owners: [Address: Address]) { self.owners = owners }

    public func isValidSignature(wallet: Address, digest: Hash32, signature: [UInt8], atBlock: BlockRef) async throws -> Bool {
        guard let owner = owners[wallet], let parsed = try? Signature(bytes: signature),
            let signer = try? parsed.recoverAddress(digest: digest)
        else { return false }
        return signer == owner
    }
}

/// No contract wallets: every EIP-1271 check fails.
public struct NoContractSignatures: ContractSignatureChecker {
    public init() {}

    public func isValidSignature(wallet: Address, digest: Hash32, signature: [UInt8], atBlock: BlockRef) async throws -> Bool { false }
}
