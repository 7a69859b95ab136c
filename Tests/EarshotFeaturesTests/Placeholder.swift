import Testing
@testable import EarshotFeatures

@Test func moduleBuilds() {
    #expect(Bool(true))
}
