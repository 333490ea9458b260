extension StringProtocol {
    /// Whether both hold the same UTF-8 bytes. Swift's `==` equates canonically equivalent
    /// spellings ("é" composed and decomposed, KELVIN SIGN and "K"), which sign and hash differently:
    /// signed and hashed fields are compared with this.
    public func hasSameBytes(as other: some StringProtocol) -> Bool {
        utf8.elementsEqual(other.utf8)
    }
}
