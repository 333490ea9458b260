import Foundation
import Testing

@testable import Audit

/// The re-tally tells the bot's receipts and results from its other messages by searching the body
/// for the type name; the byte search must answer as Foundation's `range(of:)` always did.
@Suite("Receipt and result detection")
struct ReceiptDetectionTests {
    @Test(arguments: [PreparationContext.receiptType, PreparationContext.resultType])
    func theByteSearchAnswersAsRangeOf(_ needle: String) {
        let bodies = [
            "", needle, "x" + needle + "y", #"{"primaryType":"# + needle + "}", "no type here", String(needle.dropLast()),
            needle + "\u{301}", "\u{600}" + needle, "é" + needle + "é", needle + "\u{301} and again " + needle,
            "\u{600}" + needle + " " + needle + "\u{301}", needle.lowercased(), "\"\u{212A}" + needle.dropFirst(),
            String(repeating: "é", count: 40) + needle, needle + "\u{200D}", "\r" + needle + "\n",
        ]
        for body in bodies {
            #expect(PreparationContext.mentions(body, needle) == (body.range(of: needle) != nil), "\(body.debugDescription)")
        }
        #expect(PreparationContext.mentions("{" + needle + "}", needle))
        #expect(!PreparationContext.mentions("{}", needle))
    }
}
