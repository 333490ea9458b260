let which = CommandLine.arguments.dropFirst().first ?? "primitives"
switch which {
case "primitives": PrimitivesBenchmark.run()
default:
    print("usage: plenum-bench [primitives]")
}
