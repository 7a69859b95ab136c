import Testing
@testable import EarshotEdge

@Test func moduleBuilds() {
    #expect(Bool(true))
}
