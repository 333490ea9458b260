let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first ?? "primitives" {
case "primitives": PrimitivesBenchmark.run()
case "watch": try await WatchBenchmark.run()
case "ingest": try await IngestBenchmark.run(arguments: Array(arguments.dropFirst()))
case "export-gen": try await RetallyBenchmark.generate(Array(arguments.dropFirst()))
case "retally": try await RetallyBenchmark.retally(Array(arguments.dropFirst()))
default:
    print(
        "usage: plenum-bench [primitives | watch | ingest [BALLOTS] [CLIENTS] | export-gen [--ballots N] [--voters N] [--out FILE]"
            + " | retally FILE [--threads N] [--skip-baseline]]")
}
