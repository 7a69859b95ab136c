import Testing
@testable import EarshotAudio

@Test func moduleBuilds() {
    #expect(Bool(true))
}
