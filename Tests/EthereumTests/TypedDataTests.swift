import Ethereum
import Testing

@Suite("EIP-712 typed data")
struct TypedDataTests {
    static let mail = """
        {"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],
         "Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],
         "Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},
         "primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
         "message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}
        """

    // EIP-712's own example (Mail / Person), with the values its reference implementation prints.
    @Test func eip712MailExample() throws {
        let data = try TypedData(jsonText: Self.mail)
        #expect(try data.encodeType("Mail") == "Mail(Person from,Person to,string contents)Person(string name,address wallet)")
        #expect(try data.typeHash("Mail").description == "0xa0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2")
        #expect(try data.domainSeparator().description == "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f")
        #expect(try data.structHash().description == "0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e")
        #expect(try data.digest().description == "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2")
        let cow = try PrivateKey(bytes: Keccak256.hash("cow").bytes)
        #expect(cow.address.description == "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826")
        let sig = try cow.signTypedData(data)
        #expect(sig.yParity == 1)
        #expect(sig.r.description == "0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5775fd466751c9d")
        #expect(sig.s.description == "0x07299936d304c153f6443dfa05f40ff007d72911b6f72307f996231605b91562")
        #expect(try data.recoverSigner(signature: sig) == cow.address)
    }

    /// Type names and member names are the bytes that are hashed: a spelling Swift's `==` calls equal
    /// (KELVIN SIGN for "K") neither names a declared type nor fills a declared field.
    @Test func namesResolveByTheirBytes() throws {
        let kelvin = "\u{212A}"
        #expect(kelvin + "ind" == "Kind")
        func document(primary: String = "Kind", fieldType: String = "string", key: String = "Key") -> String {
            #"{"types":{"EIP712Domain":[{"name":"name","type":"string"}],"Kind":[{"name":"Key","type":"\#(fieldType)"}],"#
                + #""Outer":[{"name":"inner","type":"Kind"}]},"primaryType":"\#(primary)","domain":{"name":"x"},"#
                + #""message":{"\#(key)":"v"}}"#
        }
        let plain = try TypedData(jsonText: document())
        #expect(try plain.typeHash("Kind") == Keccak256.hash("Kind(string Key)"))
        #expect(throws: TypedDataError.self) { try TypedData(jsonText: document(primary: kelvin + "ind")) }
        #expect(throws: TypedDataError.self) { try TypedData(jsonText: document(fieldType: kelvin + "ind")) }
        #expect(throws: TypedDataError.self) { try TypedData(jsonText: document(key: kelvin + "ey")) }
        #expect(throws: TypedDataError.self) { try plain.typeHash(kelvin + "ind") }
    }

    @Test func domainTypeIsInferredWhenMissing() throws {
        let withoutDomainType = Self.mail.replacingOccurrences(
            #""EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"#,
            "")
        #expect(try TypedData(jsonText: withoutDomainType).digest() == TypedData(jsonText: Self.mail).digest())
    }

    @Test func malformedTypedDataGivesSpecificErrors() {
        func mutated(_ a: String, _ b: String) -> String { Self.mail.replacingOccurrences(a, b) }
        #expect(throws: TypedDataError.undeclaredType("Human", context: "field Mail.from")) {
            try TypedData(jsonText: mutated(#"{"name":"from","type":"Person"}"#, #"{"name":"from","type":"Human"}"#))
        }
        #expect(throws: TypedDataError.recursiveType(["Mail", "Mail"])) {
            try TypedData(jsonText: mutated(#"{"name":"contents","type":"string"}"#, #"{"name":"contents","type":"Mail[]"}"#))
        }
        #expect(throws: TypedDataError.recursiveType(["Mail", "Person", "Mail"])) {
            try TypedData(jsonText: mutated(#"{"name":"wallet","type":"address"}"#, #"{"name":"wallet","type":"Mail"}"#))
        }
        #expect(throws: TypedDataError.missingField(path: "message.contents", type: "string")) {
            try TypedData(jsonText: mutated(#","contents":"Hello, Bob!""#, ""))
        }
        #expect(throws: TypedDataError.undeclaredField(path: "message.extra", type: "Mail")) {
            try TypedData(jsonText: mutated(#""contents":"Hello, Bob!""#, #""contents":"Hello, Bob!","extra":1"#))
        }
        #expect(throws: TypedDataError.wrongValue(path: "message.from.wallet", type: "address", found: "a number")) {
            try TypedData(jsonText: mutated(#""wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826""#, #""wallet":5"#))
        }
        #expect(throws: TypedDataError.self) {
            try TypedData(jsonText: mutated("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826", "0xcD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"))
        }
        #expect(throws: TypedDataError.invalidValue(path: "domain.chainId", "uint256 must be an integer, found 1.5")) {
            try TypedData(jsonText: mutated(#""chainId":1"#, #""chainId":1.5"#))
        }
        #expect(throws: TypedDataError.missingMember("primaryType (a string)")) {
            try TypedData(jsonText: mutated(#""primaryType":"Mail","#, ""))
        }
        #expect(throws: TypedDataError.invalidFieldType("uint7", in: "Person", field: "name")) {
            try TypedData(jsonText: mutated(#""Person":[{"name":"name","type":"string"}"#, #""Person":[{"name":"name","type":"uint7"}"#))
        }
    }

    // Documents that declare the same types share one validation and set of type hashes: the
    // second parse of the same types must still check everything that is not the types.
    @Test func sharedTypesAreCheckedAgainstEachDocument() throws {
        func mutated(_ a: String, _ b: String) -> String { Self.mail.replacingOccurrences(a, b) }
        let first = try TypedData(jsonText: Self.mail)
        let again = try TypedData(jsonText: Self.mail)
        #expect(try again.digest() == first.digest())
        #expect(try again.typeHash("Mail") == first.typeHash("Mail"))
        #expect(try again.encodeType("Mail") == "Mail(Person from,Person to,string contents)Person(string name,address wallet)")
        let otherContents = try TypedData(jsonText: mutated("Hello, Bob!", "Hello, Cow!"))
        #expect(try otherContents.typeHash("Mail") == first.typeHash("Mail"))
        #expect(try otherContents.structHash() != first.structHash())
        #expect(try otherContents.domainSeparator() == first.domainSeparator())
        #expect(throws: TypedDataError.undeclaredType("Letter", context: "primaryType")) {
            try TypedData(jsonText: mutated(#""primaryType":"Mail""#, #""primaryType":"Letter""#))
        }
        #expect(throws: TypedDataError.unsupported("primaryType EIP712Domain (sign the domain as a message instead)")) {
            try TypedData(jsonText: mutated(#""primaryType":"Mail""#, #""primaryType":"EIP712Domain""#))
        }
        #expect(throws: TypedDataError.missingField(path: "message.contents", type: "string")) {
            try TypedData(jsonText: mutated(#","contents":"Hello, Bob!""#, ""))
        }
        #expect(throws: TypedDataError.wrongValue(path: "message.from.wallet", type: "address", found: "a number")) {
            try TypedData(jsonText: mutated(#""wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826""#, #""wallet":5"#))
        }
        // More distinct types than the cache holds: each still gets its own hashes.
        for n in 0..<20 {
            let renamed = mutated("Mail", "Mail\(n)")
            let data = try TypedData(jsonText: renamed)
            #expect(
                try data.typeHash("Mail\(n)")
                    == Keccak256.hash("Mail\(n)(Person from,Person to,string contents)Person(string name,address wallet)"))
        }
        #expect(
            try TypedData(jsonText: Self.mail).digest().description == "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2")
    }

    // Swift equates canonically equivalent strings; typed data hashes bytes. Types that differ
    // only in such a spelling must never share a cached schema.
    @Test func typesThatDifferOnlyInUnicodeSpellingAreNotShared() throws {
        func renamed(_ field: String) -> String {
            Self.mail.replacingOccurrences(of: #""name":"contents""#, with: "\"name\":\"\(field)\"")
                .replacingOccurrences(of: #""contents":"Hello, Bob!""#, with: "\"\(field)\":\"Hello, Bob!\"")
        }
        let composed = "caf\u{E9}"
        let decomposed = "cafe\u{301}"
        #expect(composed == decomposed && !composed.utf8.elementsEqual(decomposed.utf8))
        for order in [[composed, decomposed, composed], [decomposed, composed, decomposed]] {
            for field in order {
                let data = try TypedData(jsonText: renamed(field))
                let expected = Keccak256.hash(Array("Mail(Person from,Person to,string \(field))Person(string name,address wallet)".utf8))
                #expect(try data.typeHash("Mail") == expected)
                #expect(
                    try data.encodeType("Mail").utf8.elementsEqual(
                        "Mail(Person from,Person to,string \(field))Person(string name,address wallet)".utf8))
            }
        }
        // A type named with KELVIN SIGN (equal to "K" as a Swift string) is still no identifier.
        _ = try TypedData(jsonText: Self.mail.replacingOccurrences(of: "Person", with: "K"))
        #expect(throws: TypedDataError.invalidTypeName("\u{212A}")) {
            try TypedData(jsonText: Self.mail.replacingOccurrences(of: "Person", with: "\u{212A}"))
        }
    }

    @Test func integerForms() throws {
        func domainSeparator(chainId: String) throws -> Hash32 {
            try TypedData(jsonText: Self.mail.replacingOccurrences(#""chainId":1"#, #""chainId":\#(chainId)"#)).domainSeparator()
        }
        let reference = try domainSeparator(chainId: "1")
        #expect(try domainSeparator(chainId: #""1""#) == reference)
        #expect(try domainSeparator(chainId: #""0x01""#) == reference)
        #expect(try domainSeparator(chainId: "2") != reference)
        #expect(throws: TypedDataError.self) { try domainSeparator(chainId: "-1") }
        #expect(throws: TypedDataError.self) { try domainSeparator(chainId: "1e3") }
    }
}
