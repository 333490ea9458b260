import Ethereum

/// Asks a contract wallet whether it accepts a signature (EIP-1271 `isValidSignature(bytes32,bytes)`
/// returning the magic value `0x1626ba7e`), as of a pinned block.
public protocol ContractSignatureChecker: Sendable {
    /// True when `wallet` returns exactly the magic value for (`digest`, `signature`) at `atBlock`.
    /// False for any other answer, a revert, or an account without code.
    func isValidSignature(wallet: Address, digest: Hash32, signature: [UInt8], atBlock: BlockRef) async throws -> Bool
}

/// EIP-1271 constants.
public enum EIP1271 {
    /// `isValidSignature(bytes32,bytes)`; its selector `0x1626ba7e` is also the magic return value.
    public static let function = try! ABIFunction("isValidSignature(bytes32,bytes) returns (bytes4)")
    /// The 4-byte magic value.
    public static let magicValue: [UInt8] = [0x16, 0x26, 0xba, 0x7e]

    /// The call data of `isValidSignature(digest, signature)`.
    public static func callData(digest: Hash32, signature: [UInt8]) -> [UInt8] {
        try! function.encodeCall([.fixedBytes(digest.bytes), .bytes(signature)])
    }

    /// Whether return data is the magic value as OpenZeppelin's `SignatureChecker` reads it: at least
    /// 32 bytes whose first word is the selector followed by 28 zero bytes.
    public static func isMagic(_ returned: [UInt8]) -> Bool {
        returned.count >= 32 && Array(returned[0..<4]) == magicValue && returned[4..<32].allSatisfy { $0 == 0 }
    }
}

/// EIP-1271 through a `ChainReader`: one `eth_call` at the pinned block.
public struct ChainContractSignatureChecker: ContractSignatureChecker {
    public let chain: any ChainReader

    public init(chain: any ChainReader) { self.chain = chain }

    public func isValidSignature(wallet: Address, digest: Hash32, signature: [UInt8], atBlock: BlockRef) async throws -> Bool {
        let results = try await chain.call(
            [ContractCall(to: wallet, data: EIP1271.callData(digest: digest, signature: signature))], at: atBlock)
        guard results.count == 1, case .success(let data) = results[0] else { return false }
        return EIP1271.isMagic(data)
    }
}
