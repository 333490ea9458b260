import Governance
import Testing

@Suite("Governance module")
struct GovernanceModuleTests {
    @Test func moduleLinks() {
        #expect(String(describing: Governance.self) == "Governance")
    }
}
