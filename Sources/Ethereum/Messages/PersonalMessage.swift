/// EIP-191 version `0x45` ("personal_sign"): `keccak256("\x19Ethereum Signed Message:\n" ‖ len(message) ‖ message)`.
public enum PersonalMessage {
    /// The digest a wallet signs for `personal_sign(message)`.
    public static func digest<Bytes: Collection>(_ message: Bytes) -> Hash32 where Bytes.Element == UInt8 {
        var hasher = Keccak256Hasher()
        hasher.update(Array("\u{19}Ethereum Signed Message:\n\(message.count)".utf8))
        hasher.update(message)
        return hasher.finalize()
    }

    /// The digest for a text message (its UTF-8 bytes).
    public static func digest(text: String) -> Hash32 { digest(Array(text.utf8)) }

    /// Recovers the signer of a text message.
    public static func recoverSigner(text: String, signature: Signature) throws -> Address {
        try signature.recoverAddress(digest: digest(text: text))
    }
}

extension PrivateKey {
    /// Signs a text message the way `personal_sign` does.
    public func signPersonalMessage(_ text: String) -> Signature {
        sign(digest: PersonalMessage.digest(text: text))
    }
}

extension TypedData {
    /// Recovers the address that signed this typed data.
    public func recoverSigner(signature: Signature) throws -> Address {
        try signature.recoverAddress(digest: digest())
    }
}

extension PrivateKey {
    /// Signs typed data the way `eth_signTypedData_v4` does.
    public func signTypedData(_ data: TypedData) throws -> Signature {
        sign(digest: try data.digest())
    }
}
