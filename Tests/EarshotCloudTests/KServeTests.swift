import EarshotCloud
import EarshotWire
import Foundation
import Testing

/// The KServe v2 routes with JSON tensors and the binary tensor extension
/// (scripts/cloud/check-kserve.sh runs the real tritonclient against them as well).
@Suite(.serialized) struct KServeTests {
    @Test func healthMetadataAndInference() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let server = try await LiveServer(dataDirectory: folder.path)
        let base = server.baseURL
        #expect(try await HTTP.send("GET", base + "/v2/health/live").status == 200)
        #expect(try await HTTP.send("GET", base + "/v2/health/ready").status == 200)
        #expect(try await HTTP.send("GET", base + "/v2/models/alexa/ready").status == 200)
        #expect(try await HTTP.send("GET", base + "/v2/models/alexa/versions/1/ready").status == 200)
        let missing = try await HTTP.send("GET", base + "/v2/models/alexa/versions/9/ready")
        #expect(missing.status == 404)
        #expect(missing.text.hasPrefix(#"{"error":"not_found: "#))
        let metadata = try await HTTP.send("GET", base + "/v2/models/alexa").text
        #expect(metadata.contains(#""inputs":[{"datatype":"INT16","name":"audio","shape":[-1]}]"#))

        let samples = try Repo.recording("alexa-en-us")
        let request: [String: Any] = [
            "id": "r1", "inputs": [["name": "audio", "datatype": "INT16", "shape": [samples.count], "data": samples.map(Int.init)]],
        ]
        let json = try JSONSerialization.data(withJSONObject: request)
        let answer = try await HTTP.send("POST", base + "/v2/models/alexa/infer", token: server.deviceToken, body: json)
        #expect(answer.status == 200, "\(answer.text)")
        let object = try JSONSerialization.jsonObject(with: answer.body) as! [String: Any]
        #expect(object["id"] as? String == "r1")
        #expect(object["model_version"] as? String == "1")
        let outputs = object["outputs"] as! [[String: Any]]
        #expect((outputs.first { $0["name"] as? String == "verified" }?["data"] as? [Bool]) == [true])
        let score = (outputs.first { $0["name"] as? String == "score" }?["data"] as? [Double])?.first ?? 0
        #expect(abs(score - 0.9961) < 0.02)

        // Binary tensor extension: JSON header, then the raw little-endian samples.
        let header = try JSONSerialization.data(withJSONObject: [
            "inputs": [
                ["name": "audio", "datatype": "INT16", "shape": [samples.count], "parameters": ["binary_data_size": samples.count * 2]]
            ],
            "outputs": [["name": "verified", "parameters": ["binary_data": true]]],
        ])
        var body = header
        for sample in samples { withUnsafeBytes(of: sample.littleEndian) { body.append(contentsOf: $0) } }
        let binary = try await HTTP.send(
            "POST", base + "/v2/models/alexa/versions/1/infer", token: server.deviceToken,
            headers: ["Inference-Header-Content-Length": String(header.count), "Content-Type": "application/octet-stream"], body: body)
        #expect(binary.status == 200)
        let jsonLength = Int(binary.headers["inference-header-content-length"] ?? "") ?? -1
        #expect(jsonLength > 0 && jsonLength == binary.body.count - 1)
        #expect(binary.body.last == 1)

        let noToken = try await HTTP.send("POST", base + "/v2/models/alexa/infer", body: json)
        #expect(noToken.status == 401)
        let wrongType = try JSONSerialization.data(withJSONObject: [
            "inputs": [["name": "audio", "datatype": "BYTES", "shape": [1], "data": ["x"]]]
        ])
        let refused = try await HTTP.send("POST", base + "/v2/models/alexa/infer", token: server.deviceToken, body: wrongType)
        #expect(refused.status == 400)
        #expect(refused.text.contains("must be INT16"))
        await server.stop()
    }
}
