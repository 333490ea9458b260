let which = CommandLine.arguments.dropFirst().first ?? "primitives"
switch which {
case "primitives": PrimitivesBenchmark.run()
case "watch": try await WatchBenchmark.run()
default:
    print("usage: plenum-bench [primitives|watch]")
}
