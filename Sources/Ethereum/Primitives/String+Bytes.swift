#if canImport(Glibc)
import Glibc
#endif

extension StringProtocol {
    /// Whether both hold the same UTF-8 bytes. Swift's `==` equates canonically equivalent
    /// spellings ("é" composed and decomposed, KELVIN SIGN and "K"), which sign and hash differently:
    /// signed and hashed fields are compared with this.
    public func hasSameBytes(as other: some StringProtocol) -> Bool {
        let contiguous = utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b in
                a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
            }
        }
        if let contiguous, let same = contiguous { return same }
        return utf8.elementsEqual(other.utf8)
    }
}
