import Testing
@testable import EarshotInference

@Test func moduleBuilds() {
    #expect(Bool(true))
}
