import ChainWatch
import EthereumRPC
import Testing

@Suite("Range sizing")
struct RangeSizerTests {
    @Test func takesTheStatedLimitAndKeepsItAsACeiling() {
        var sizer = RangeSizer(initial: 2000, maximum: 10_000)
        sizer.refused(RPCError(code: -32602, message: "query block range 2000 exceeds limit of 500"), requested: 0...1999)
        #expect(sizer.size == 500 && sizer.ceiling == 500)
        for _ in 0..<10 { sizer.succeeded(span: 500, results: 3) }
        #expect(sizer.size == 500, "never grows above a stated limit")
    }

    @Test func takesTheSuggestedRange() {
        var sizer = RangeSizer(initial: 2000)
        sizer.refused(
            RPCError(code: -32602, message: "… Based on your parameters, this block range should work: [0x64, 0x12b]"),
            requested: 100...2099)
        #expect(sizer.size == 200)
    }

    @Test func tooManyResultsShrinksByTenAndThenUsesTheDensity() {
        var sizer = RangeSizer(initial: 2000)
        sizer.refused(RPCError(code: -32005, message: "query returned more than 100 results"), requested: 0...1999)
        #expect(sizer.size == 200 && sizer.resultLimit == 100)
        sizer.succeeded(span: 200, results: 50)
        #expect(sizer.size == 360, "90% of the cap at the density just seen (50 per 200 blocks)")
        sizer.succeeded(span: 360, results: 10)
        #expect(sizer.size == 720, "at most doubles")
    }

    @Test func unexplainedRefusalsHalveAndNeverGoBelowOne() {
        var sizer = RangeSizer(initial: 8)
        for _ in 0..<10 { sizer.refused(RPCError(code: -32000, message: "block range is too wide"), requested: 0...(sizer.size - 1)) }
        #expect(sizer.size == 1)
        sizer.succeeded(span: 1, results: 0)
        sizer.succeeded(span: 1, results: 0)
        #expect(sizer.size == 1, "the ceiling learned from the refusals holds")
    }

    @Test func growsAgainAfterSuccessesWithoutLimits() {
        var sizer = RangeSizer(initial: 100, maximum: 1000)
        sizer.succeeded(span: 100, results: 0)
        #expect(sizer.size == 100)
        sizer.succeeded(span: 100, results: 0)
        #expect(sizer.size == 200)
        for _ in 0..<20 { sizer.succeeded(span: sizer.size, results: 0) }
        #expect(sizer.size == 1000)
    }
}
