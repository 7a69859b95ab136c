import EarshotCloud
import Foundation
import Testing

/// Speech-to-intent contexts (`"kind": "context"` cards, EarshotIntent) share cloud-models/ with
/// the models but are not models: the registry leaves them out.
@Suite struct ContextCardDiscoveryTests {
    @Test func discoverySkipsContextCards() throws {
        let folder = TemporaryFolder("contexts")
        defer { folder.remove() }
        for (name, kind) in [("alexa", "microwakeword-streaming"), ("smart-home", "context")] {
            try FileManager.default.createDirectory(atPath: folder.file("\(name)/1"), withIntermediateDirectories: true)
            try Data(#"{"name": "\#(name)", "version": "1", "kind": "\#(kind)"}"#.utf8).write(
                to: URL(fileURLWithPath: folder.file("\(name)/1/card.json")))
        }
        let found = ModelRegistry(directory: folder.path, dataDirectory: folder.path).discover()
        #expect(found.map(\.name) == ["alexa"])
    }
}
