import Ethereum
import PlenumTesting
import Testing

/// ABI encodings agree with eth-abi in both directions.
@Suite("ABI against eth-abi")
struct ABICrossCheckTests {
    @Test func ethAbiEncodingsDecodeIdenticallyAndReencodeByteForByte() throws {
        let cases = try #require(try PythonOracle.run("abi-gen", seed: 20261127, count: 1200).arrayValue)
        #expect(cases.count == 1200)
        var failures: [String] = []
        for (i, c) in cases.enumerated() {
            let types = try c["types"]!.arrayValue!.map { try ABIType($0.stringValue!) }
            let expected = try zip(c["values"]!.arrayValue!, types).map { try ABIValue(json: $0, type: $1) }
            let encoded = try Hex.decode(c["encoded"]!.stringValue!)
            do {
                let decoded = try ABIDecoder.decode(types, from: encoded)
                if decoded != expected { failures.append("case \(i) \(types): decoded differently") }
                if try ABIEncoder.encode(expected, as: types) != encoded { failures.append("case \(i) \(types): encoded differently") }
            } catch {
                failures.append("case \(i) \(types): \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) mismatches: \(failures.prefix(5))")
    }

    @Test func swiftEncodingsDecodeIdenticallyInEthAbi() throws {
        var rng = SeededRandom(seed: 99)
        var cases: [JSON] = []
        for _ in 0..<1200 {
            let types = (0..<Int.random(in: 1...4, using: &rng)).map { _ in RandomABI.type(&rng, depth: 0) }
            let values = types.map { RandomABI.value(for: $0, &rng) }
            let encoded = try ABIEncoder.encode(values, as: types)
            cases.append([
                "types": .array(types.map { .string($0.canonical) }),
                "values": .array(values.map(\.json)),
                "encoded": .string(Hex.encode(encoded)),
            ])
        }
        let results = try #require(try PythonOracle.run("abi-check", input: .array(cases)).arrayValue)
        #expect(results.count == cases.count)
        let failed = results.enumerated().filter { $0.element["ok"] != .bool(true) }
        #expect(
            failed.isEmpty,
            "\(failed.count) mismatches, first: \(failed.prefix(3).map { "\(cases[$0.offset]["types"]!.serialized()) → \($0.element.serialized())" })"
        )
    }
}

/// Random ABI types and values for property tests (Swift side of the cross-check).
enum RandomABI {
    static func elementary(_ rng: inout SeededRandom) -> ABIType {
        switch Int.random(in: 0..<7, using: &rng) {
        case 0: .uint(8 * Int.random(in: 1...32, using: &rng))
        case 1: .int(8 * Int.random(in: 1...32, using: &rng))
        case 2: .address
        case 3: .bool
        case 4: .fixedBytes(Int.random(in: 1...32, using: &rng))
        case 5: .bytes
        default: .string
        }
    }

    static func type(_ rng: inout SeededRandom, depth: Int) -> ABIType {
        let r = Double.random(in: 0..<1, using: &rng)
        if depth >= 3 || r < 0.5 { return elementary(&rng) }
        if r < 0.7 { return .array(type(&rng, depth: depth + 1)) }
        if r < 0.85 { return .fixedArray(type(&rng, depth: depth + 1), Int.random(in: 1...3, using: &rng)) }
        return .tuple((0..<Int.random(in: 1...4, using: &rng)).map { _ in type(&rng, depth: depth + 1) })
    }

    static func bytes(_ n: Int, _ rng: inout SeededRandom) -> [UInt8] {
        (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    static func value(for type: ABIType, _ rng: inout SeededRandom) -> ABIValue {
        switch type {
        case .uint(let bits):
            let max = UInt256.max.shiftedRight(256 - bits)
            let random = try! UInt256(bigEndian: bytes(32, &rng)) & max
            return .uint([UInt256.zero, max, random, random].randomElement(using: &rng)!)
        case .int(let bits):
            let minBits = (~UInt256.zero).shiftedLeft(bits - 1)  // sign-extended minimum
            let maxValue = UInt256.max.shiftedRight(256 - bits + 1)
            var random = try! UInt256(bigEndian: bytes(32, &rng)) & UInt256.max.shiftedRight(256 - bits)
            if random.bit(bits - 1) { random = random | (~UInt256.zero).shiftedLeft(bits) }  // sign-extend
            let choices = [Int256(bitPattern: minBits), Int256(bitPattern: maxValue), Int256(-1), Int256(bitPattern: random)]
            return .int(choices.randomElement(using: &rng)!)
        case .address: return .address(try! Address(bytes: bytes(20, &rng)))
        case .bool: return .bool(Bool.random(using: &rng))
        case .fixedBytes(let n): return .fixedBytes(bytes(n, &rng))
        case .bytes: return .bytes(bytes([0, 1, 31, 32, 33, 64, Int.random(in: 0...100, using: &rng)].randomElement(using: &rng)!, &rng))
        case .string:
            let alphabet = Array("abcXYZ019 _\"\\\n\téü€♥中😀𝄞\u{0}")
            return .string(String((0..<Int.random(in: 0...40, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }))
        case .array(let element):
            return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in value(for: element, &rng) })
        case .fixedArray(let element, let k):
            return .array((0..<k).map { _ in value(for: element, &rng) })
        case .tuple(let components):
            return .tuple(components.map { value(for: $0, &rng) })
        }
    }
}

/// SplitMix64: reproducible randomness for property tests.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
