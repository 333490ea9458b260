import Ethereum

/// The governance domain: ballots, validation, voting power, voting systems, quorum and results.
/// No IO lives here; chain reads go through protocols that `EthereumRPC` implements.
public enum Governance {}
