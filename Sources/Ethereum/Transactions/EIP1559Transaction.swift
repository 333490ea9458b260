/// An EIP-1559 (type 2) transaction, signed with a private key for `eth_sendRawTransaction`.
public struct EIP1559Transaction: Hashable, Sendable {
    public var chainId: UInt64
    public var nonce: UInt64
    public var maxPriorityFeePerGas: UInt256
    public var maxFeePerGas: UInt256
    public var gasLimit: UInt64
    /// `nil` creates a contract.
    public var to: Address?
    public var value: UInt256
    public var data: [UInt8]

    public init(
        chainId: UInt64, nonce: UInt64, maxPriorityFeePerGas: UInt256, maxFeePerGas: UInt256, gasLimit: UInt64, to: Address?,
        value: UInt256 = .zero, data: [UInt8] = []
    ) {
        self.chainId = chainId
        self.nonce = nonce
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.maxFeePerGas = maxFeePerGas
        self.gasLimit = gasLimit
        self.to = to
        self.value = value
        self.data = data
    }

    var fields: [RLP] {
        [
            .uint(chainId), .uint(nonce), .uint(maxPriorityFeePerGas), .uint(maxFeePerGas), .uint(gasLimit),
            .bytes(to?.bytes ?? []), .uint(value), .bytes(data), .list([]),
        ]
    }

    /// keccak256(0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList])).
    public var signingHash: Hash32 { Keccak256.hash([0x02] + RLP.list(fields).encoded) }

    /// `0x02 ‖ rlp([…, yParity, r, s])`: the raw signed transaction.
    public func signed(with key: PrivateKey) -> [UInt8] {
        let signature = key.sign(digest: signingHash)
        let all = fields + [.uint(UInt64(signature.yParity)), .uint(UInt256(word: signature.r)), .uint(UInt256(word: signature.s))]
        return [0x02] + RLP.list(all).encoded
    }

    /// The transaction hash of the signed form.
    public func hash(signedWith key: PrivateKey) -> Hash32 { Keccak256.hash(signed(with: key)) }
}
