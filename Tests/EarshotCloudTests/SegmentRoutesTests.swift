import EarshotCloud
import EarshotWire
import Foundation
import Testing

/// `PUT`/`GET /v1/segments/{key}` on a live server with real HTTP requests.
@Suite(.serialized) struct SegmentRoutesTests {
    @Test func anUploadIsVerifiedStoredAndReplayedWithoutComputingAgain() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let server = try await LiveServer(dataDirectory: folder.path)
        let wav = SegmentWAV.encode(samples: try Repo.recording("alexa-en-us"))
        let segmentKey = testKey(1)

        let first = try await HTTP.upload(server, key: segmentKey, wav: wav)
        #expect(first.status == 200, "\(first.text)")
        let prediction = try first.prediction()
        #expect(prediction.key == segmentKey)
        #expect(prediction.verified)
        #expect(abs(prediction.score - 0.9961) < 0.02)
        #expect(prediction.models.first == ModelReference(name: "alexa", version: "1", role: "verifier"))
        #expect(prediction.timings.inferenceMilliseconds > 0)
        #expect(first.headers["x-earshot-replay"] == "false")
        #expect(first.headers["x-request-id"] != nil)

        let again = try await HTTP.upload(server, key: segmentKey, wav: wav)
        #expect(again.status == 200)
        #expect(again.body == first.body)
        #expect(again.headers["x-earshot-replay"] == "true")

        let stored = try await HTTP.send("GET", server.baseURL + "/v1/segments/\(segmentKey)", token: server.deviceToken)
        #expect(stored.status == 200)
        #expect(stored.body == first.body)

        let metrics = try await HTTP.send("GET", server.baseURL + "/metrics").text
        #expect(metricValue(metrics, "earshot_idempotent_replays_total") == 1)
        #expect(metricValue(metrics, #"earshot_inference_seconds_count{model="alexa",version="1"}"#) == 1)
        #expect(metricValue(metrics, #"earshot_verifier_decisions_total{model="alexa",version="1",decision="accept"}"#) == 1)
        #expect(metrics.contains(#"earshot_http_requests_total{route="/v1/segments/{key}",method="PUT",status="200"} 2"#))
        await server.stop()
    }

    @Test func aNonWakeWordSegmentIsRejectedByTheVerifier() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let server = try await LiveServer(dataDirectory: folder.path)
        let answer = try await HTTP.upload(server, key: testKey(2), wav: SegmentWAV.encode(samples: try Repo.recording("alexa-sentence")))
        #expect(answer.status == 200)
        let prediction = try answer.prediction()
        #expect(!prediction.verified)
        #expect(prediction.score < 0.5)
        await server.stop()
    }

    @Test func theSameKeyWithAnotherBodyIsAConflict() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let server = try await LiveServer(dataDirectory: folder.path)
        let samples = try Repo.recording("alexa-en-gb")
        #expect(try await HTTP.upload(server, key: testKey(3), wav: SegmentWAV.encode(samples: samples)).status == 200)
        var changed = samples
        changed[100] &+= 1
        let conflict = try await HTTP.upload(server, key: testKey(3), wav: SegmentWAV.encode(samples: changed))
        #expect(conflict.status == 409)
        #expect(conflict.errorCode == "conflict")
        #expect(conflict.text.contains("different body"))
        await server.stop()
    }

    @Test func missingWrongAndForeignTokensAreRefused() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let server = try await LiveServer(dataDirectory: folder.path)
        let wav = SegmentWAV.encode(samples: try Repo.recording("alexa-en-us"))
        let url = server.baseURL + "/v1/segments/\(testKey(4))"

        let missing = try await HTTP.send("PUT", url, body: wav)
        #expect(missing.status == 401)
        #expect(missing.errorCode == "unauthorized")
        let wrong = try await HTTP.upload(server, key: testKey(4), wav: wav, token: "esk_kitchen-pi_" + String(repeating: "0", count: 64))
        #expect(wrong.status == 401)
        #expect(wrong.text.contains("not known"))

        let otherToken = try DeviceTokens.create(device: "garage-pi", store: SQLiteSegmentStore(directory: folder.path))
        let foreignPut = try await HTTP.upload(server, key: testKey(4), wav: wav, token: otherToken)
        #expect(foreignPut.status == 403)
        #expect(foreignPut.errorCode == "forbidden")
        #expect(try await HTTP.upload(server, key: testKey(4), wav: wav).status == 200)
        let foreignGet = try await HTTP.send("GET", url, token: otherToken)
        #expect(foreignGet.status == 403)
        let adminGet = try await HTTP.send("GET", url, token: LiveServer.adminToken)
        #expect(adminGet.status == 200)
        let deviceOnAdmin = try await HTTP.send("GET", server.baseURL + "/v1/models", token: server.deviceToken)
        #expect(deviceOnAdmin.status == 403)
        // a service that does not understand commands lists no contexts and has none to switch
        let noContexts = try await HTTP.send("GET", server.baseURL + "/v1/contexts", token: LiveServer.adminToken)
        #expect(noContexts.status == 200 && noContexts.text.contains(#""contexts":[]"#), "\(noContexts.text)")
        let noRollback = try await HTTP.send("POST", server.baseURL + "/v1/contexts/smart-home/rollback", token: LiveServer.adminToken)
        #expect(noRollback.status == 404, "\(noRollback.text)")
        let unknownKey = try await HTTP.send("GET", server.baseURL + "/v1/segments/\(testKey(999))", token: server.deviceToken)
        #expect(unknownKey.status == 404)
        #expect(unknownKey.errorCode == "not_found")
        let badKey = try await HTTP.send("GET", server.baseURL + "/v1/segments/not-a-key", token: server.deviceToken)
        #expect(badKey.status == 400)
        #expect(badKey.errorCode == "invalid_key")
        await server.stop()
    }

    @Test func badBodiesAreRefusedWithClearErrorsBeforeAnyModelRuns() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let server = try await LiveServer(dataDirectory: folder.path) { $0.maxBodyBytes = 200_000 }
        let samples = try Repo.recording("alexa-en-us")
        let wav = SegmentWAV.encode(samples: samples)

        let oversized = try await HTTP.upload(
            server, key: testKey(10), wav: SegmentWAV.encode(samples: [Int16](repeating: 300, count: 120_000)))
        #expect(oversized.status == 413)
        #expect(oversized.errorCode == "payload_too_large")

        let truncated = try await HTTP.upload(server, key: testKey(11), wav: wav.prefix(wav.count - 1000))
        #expect(truncated.status == 400)
        #expect(truncated.errorCode == "invalid_audio")
        #expect(truncated.text.contains("truncated"))

        let notWAV = try await HTTP.upload(server, key: testKey(12), wav: Data("this is not audio at all".utf8))
        #expect(notWAV.status == 400)
        #expect(notWAV.text.contains("not a RIFF/WAVE file"))

        let silent = try await HTTP.upload(server, key: testKey(13), wav: SegmentWAV.encode(samples: [Int16](repeating: 0, count: 32_000)))
        #expect(silent.status == 400)
        #expect(silent.text.contains("silent"))

        let short = try await HTTP.upload(server, key: testKey(14), wav: SegmentWAV.encode(samples: samples.prefix(1600)))
        #expect(short.status == 400)
        #expect(short.text.contains("shorter than the minimum"))

        let missingHeaders = try await HTTP.send(
            "PUT", server.baseURL + "/v1/segments/\(testKey(15))", token: server.deviceToken, headers: ["Content-Type": "audio/wav"],
            body: wav)
        #expect(missingHeaders.status == 400)
        #expect(missingHeaders.text.contains("X-Earshot-Score"))

        // Raw PCM with its format in the header is accepted as well.
        var bigEndian = Data()
        for sample in samples {
            bigEndian.append(contentsOf: [UInt8(truncatingIfNeeded: UInt16(bitPattern: sample) >> 8), UInt8(truncatingIfNeeded: sample)])
        }
        let raw = try await HTTP.upload(server, key: testKey(16), wav: bigEndian, contentType: "audio/L16; rate=16000; channels=1")
        #expect(raw.status == 200, "\(raw.text)")
        #expect(try raw.prediction().verified)

        let metrics = try await HTTP.send("GET", server.baseURL + "/metrics").text
        #expect(metricValue(metrics, #"earshot_inference_seconds_count{model="alexa",version="1"}"#) == 1)
        await server.stop()
    }

    @Test func aRestartedServerKeepsEveryStoredPrediction() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let first = try await LiveServer(dataDirectory: folder.path)
        var answers: [SegmentKey: Data] = [:]
        for (index, name) in ["alexa-en-us", "alexa-en-gb", "alexa-sentence"].enumerated() {
            let answer = try await HTTP.upload(first, key: testKey(20 + index), wav: SegmentWAV.encode(samples: try Repo.recording(name)))
            #expect(answer.status == 200)
            answers[testKey(20 + index)] = answer.body
        }
        let token = first.deviceToken
        await first.stop()

        let second = try await LiveServer(dataDirectory: folder.path)
        for (segmentKey, body) in answers {
            let stored = try await HTTP.send("GET", second.baseURL + "/v1/segments/\(segmentKey)", token: token)
            #expect(stored.status == 200)
            #expect(stored.body == body)
        }
        let replay = try await HTTP.upload(
            second, key: testKey(20), wav: SegmentWAV.encode(samples: try Repo.recording("alexa-en-us")), token: token)
        #expect(replay.body == answers[testKey(20)])
        let metrics = try await HTTP.send("GET", second.baseURL + "/metrics").text
        #expect(metricValue(metrics, #"earshot_inference_seconds_count{model="alexa",version="1"}"#) == nil)
        await second.stop()
    }

    @Test func healthAndReadiness() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let server = try await LiveServer(dataDirectory: folder.path)
        #expect(try await HTTP.send("GET", server.baseURL + "/health/live").status == 200)
        #expect(try await HTTP.send("GET", server.baseURL + "/health/ready").status == 200)
        let unknown = try await HTTP.send("GET", server.baseURL + "/no/such/route")
        #expect(unknown.status == 404)
        #expect(unknown.errorCode == "not_found")
        await server.stop()

        let empty = TemporaryFolder("models")
        defer { empty.remove() }
        let unready = try await LiveServer(dataDirectory: folder.path, modelsDirectory: empty.path)
        let ready = try await HTTP.send("GET", unready.baseURL + "/health/ready")
        #expect(ready.status == 503)
        let upload = try await HTTP.upload(unready, key: testKey(30), wav: SegmentWAV.encode(samples: try Repo.recording("alexa-en-us")))
        #expect(upload.status == 503)
        #expect(upload.headers["retry-after"] != nil)
        await unready.stop()
    }
}
