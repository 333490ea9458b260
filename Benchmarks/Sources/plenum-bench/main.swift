let arguments = Array(CommandLine.arguments.dropFirst())
let which = arguments.first ?? "primitives"
switch which {
case "primitives": PrimitivesBenchmark.run()
case "watch": try await WatchBenchmark.run()
case "export-gen": try await RetallyBenchmark.generate(Array(arguments.dropFirst()))
case "retally": try await RetallyBenchmark.retally(Array(arguments.dropFirst()))
default:
    print("usage: plenum-bench [primitives|watch|export-gen [--ballots N] [--voters N] [--out FILE]|retally FILE [--threads N]]")
}
