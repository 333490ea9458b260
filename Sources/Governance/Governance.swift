// The governance domain: ballots and their envelopes, validation rules, voting power strategies (as
// protocols over a chain reader), voting systems, quorum, tallies and result attestations.
// No IO lives here; chain reads go through `ChainReader`, which `EthereumRPC` implements.
//
// There is deliberately no type named `Governance`, so that `Governance.Tally` names this module's
// `Tally` even where another `Tally` is in scope (the CLI's `plenum tally` command).
