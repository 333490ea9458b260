import ArgumentParser
import Ethereum

@main
struct Plenum: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plenum", abstract: "DAO votes in chat, verifiable by anyone.")
}
