import EarshotEdge
import EarshotWire
import Foundation
import Testing

@Suite struct SegmentKeyTests {
    @Test func printsAndParsesWithPadding() throws {
        let key = try SegmentKey(deviceID: "kitchen-pi", boot: 42, sequence: 17)
        #expect(key.description == "kitchen-pi.b000042.s000017")
        #expect(try SegmentKey(parsing: "kitchen-pi.b000042.s000017") == key)
        let big = try SegmentKey(deviceID: "Pi_2", boot: 1_234_567, sequence: 999_999_999_999)
        #expect(big.description == "Pi_2.b1234567.s999999999999")
        #expect(SegmentKey(big.description) == big)
    }

    @Test(arguments: [
        "", "kitchen", "kitchen.b000001", "kitchen.b1.s000001", "kitchen.b000001.s1", "kitchen.x000001.s000001",
        "kitchen.b000001.s00000a", "-kitchen.b000001.s000001", "kit chen.b000001.s000001", "kit/chen.b000001.s000001",
        "küche.b000001.s000001", "a.b.b000001.s000001", "kitchen.b0000000000001.s000001",
        String(repeating: "x", count: 65) + ".b000001.s000001",
    ])
    func rejectsMalformedKeys(_ text: String) {
        #expect(throws: WireError.self) { try SegmentKey(parsing: text) }
        #expect(SegmentKey(text) == nil)
    }

    @Test func errorNamesTheKey() {
        do {
            _ = try SegmentKey(parsing: "bad key")
            Issue.record("no error")
        } catch let error as WireError {
            #expect(error.code == .invalidKey)
            #expect(error.description.contains("bad key"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func codesAsAString() throws {
        let key = try SegmentKey(deviceID: "dev", boot: 1, sequence: 2)
        let json = try WireJSON.encode([key])
        #expect(String(decoding: json, as: UTF8.self) == #"["dev.b000001.s000002"]"#)
        #expect(try WireJSON.decode([SegmentKey].self, from: json) == [key])
        #expect(throws: DecodingError.self) { try WireJSON.decode([SegmentKey].self, from: Data(#"["nope"]"#.utf8)) }
    }

    @Test func sortsByBootThenSequence() throws {
        let keys = try [(2, 0), (1, 10), (1, 2)].map { try SegmentKey(deviceID: "d", boot: $0.0, sequence: $0.1) }
        #expect(keys.sorted().map(\.description) == ["d.b000001.s000002", "d.b000001.s000010", "d.b000002.s000000"])
    }
}

@Suite struct WireFormatTests {
    @Test func timestampsAreRFC3339WithMilliseconds() throws {
        #expect(WireTimestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        let date = Date(timeIntervalSince1970: 1_795_270_718.123)
        #expect(WireTimestamp.format(date) == "2026-11-21T14:18:38.123Z")
        let parsed = try #require(WireTimestamp.parse("2026-11-21T14:18:38.123Z"))
        #expect(abs(parsed.timeIntervalSince(date)) < 0.000_5)
        #expect(WireTimestamp.parse("2026-11-21T15:18:38.123+01:00") == parsed)
        #expect(WireTimestamp.parse("2026-11-21T14:18:38Z") == Date(timeIntervalSince1970: 1_795_270_718))
        #expect(WireTimestamp.format(Date(timeIntervalSince1970: -1.5)) == "1969-12-31T23:59:58.500Z")
        let reference = ISO8601DateFormatter()
        reference.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for seconds in [0, 951_782_400, 4_107_542_400, -2_208_988_800, 1_795_270_718] as [Double] {
            let date = Date(timeIntervalSince1970: seconds + 0.5)
            #expect(WireTimestamp.format(date) == reference.string(from: date))
        }
        for bad in ["", "2026-11-21", "2026-13-01T00:00:00Z", "2026-11-21T14:18:38", "2026-11-21T14:18:38.Z", "x026-11-21T14:18:38Z"] {
            #expect(WireTimestamp.parse(bad) == nil, "\(bad)")
        }
    }

    @Test func metadataJSONUsesSnakeCaseAndRoundTrips() throws {
        let key = try SegmentKey(deviceID: "kitchen-pi", boot: 3, sequence: 4)
        let metadata = SegmentFactory.metadata(key)
        let json = String(decoding: try WireJSON.encode(metadata), as: UTF8.self)
        #expect(json.contains(#""wake_word":"computer""#))
        #expect(json.contains(#""capture_start":"2026-11-18T11:06:40.250Z""#))
        #expect(json.contains(#""sample_rate":16000"#))
        #expect(try WireJSON.decode(SegmentMetadata.self, from: Data(json.utf8)) == metadata)
    }

    @Test func metadataValidationNamesTheField() throws {
        let key = try SegmentKey(deviceID: "d", boot: 1, sequence: 0)
        var metadata = SegmentFactory.metadata(key)
        metadata.score = 1.5
        #expect(throws: WireError.self) { try metadata.validate() }
        metadata = SegmentFactory.metadata(key)
        metadata.captureEnd = metadata.captureStart.addingTimeInterval(-1)
        #expect(throws: WireError.self) { try metadata.validate() }
        metadata = SegmentFactory.metadata(key)
        metadata.wakeWord = "line\nbreak"
        #expect(throws: WireError.self) { try metadata.validate() }
        try SegmentFactory.metadata(key).validate()
    }

    @Test func uploadHeadersCarryTheMetadataBack() throws {
        let key = try SegmentKey(deviceID: "kitchen-pi", boot: 42, sequence: 17)
        let metadata = SegmentFactory.metadata(key)
        let upload = SegmentUpload(metadata: metadata)
        #expect(upload.path == "/v1/segments/kitchen-pi.b000042.s000017")
        let headers = upload.headers(token: "secret")
        #expect(headers.first! == ("Authorization", "Bearer secret"))
        #expect(!upload.metadataHeaders.contains { $0.name == "Authorization" })
        var byName: [String: String] = [:]
        for (name, value) in headers { byName[name.lowercased()] = value }
        #expect(byName["idempotency-key"] == key.description)
        #expect(byName["content-type"] == "audio/wav")
        #expect(byName["x-earshot-score"] == "0.875")
        let back = try SegmentUpload.metadata(pathKey: key.description) { byName[$0.lowercased()] }
        #expect(back == metadata)

        byName["idempotency-key"] = "other.b000001.s000001"
        #expect(throws: WireError.self) { try SegmentUpload.metadata(pathKey: key.description) { byName[$0.lowercased()] } }
        byName["idempotency-key"] = nil
        byName["x-earshot-wake-word"] = nil
        do {
            _ = try SegmentUpload.metadata(pathKey: key.description) { byName[$0.lowercased()] }
            Issue.record("no error")
        } catch let error as WireError {
            #expect(error.code == .missingHeader)
            #expect(error.location == "X-Earshot-Wake-Word")
        }
    }

    @Test func wavBodiesAreCheckedAgainstTheContract() throws {
        let wav = SegmentWAV.encode(samples: [1, -2, 3] as [Int16])
        #expect(wav.count == 44 + 6)
        let info = try SegmentWAV.inspect(wav)
        #expect(info.sampleCount == 3)
        #expect(info.dataOffset == 44)
        #expect(throws: WireError.self) { try SegmentWAV.inspect(Data("not a wav file at all".utf8)) }
        #expect(throws: WireError.self) { try SegmentWAV.inspect(wav.prefix(48)) }  // truncated data
        var stereo = wav
        stereo[22] = 2
        #expect(throws: WireError.self) { try SegmentWAV.inspect(stereo) }
        var rate = wav
        rate[24] = 0x44
        rate[25] = 0xAC
        #expect(throws: WireError.self) { try SegmentWAV.inspect(rate) }
    }

    @Test func predictionAndErrorBodiesDecode() throws {
        let json = #"""
            {"key": "kitchen-pi.b000042.s000017", "verified": true, "score": 0.93,
             "models": [{"name": "verifier", "version": "2", "role": "verifier"}],
             "timings": {"queue_ms": 0.4, "inference_ms": 38.2, "total_ms": 41.0},
             "transcript": "turn on the kitchen lights", "intent": "lights_on", "slots": {"room": "kitchen"}}
            """#
        let prediction = try WireJSON.decode(SegmentPrediction.self, from: Data(json.utf8))
        #expect(prediction.key.description == "kitchen-pi.b000042.s000017")
        #expect(prediction.models == [ModelReference(name: "verifier", version: "2", role: "verifier")])
        #expect(prediction.timings.queueMilliseconds == 0.4)
        #expect(prediction.slots == ["room": "kitchen"])
        #expect(try WireJSON.decode(SegmentPrediction.self, from: WireJSON.encode(prediction)) == prediction)
        let minimal = #"{"key":"d.b000001.s000000","verified":false,"score":0.1,"models":[],"timings":{"inference_ms":1,"total_ms":2}}"#
        let bare = try WireJSON.decode(SegmentPrediction.self, from: Data(minimal.utf8))
        #expect(bare.transcript == nil && bare.intent == nil && bare.slots == nil && bare.timings.queueMilliseconds == nil)

        let error = ErrorResponse(code: "conflict", message: "key d.b000001.s000000 was stored with a different body")
        let errorJSON = String(decoding: try WireJSON.encode(error), as: UTF8.self)
        #expect(errorJSON == #"{"error":{"code":"conflict","message":"key d.b000001.s000000 was stored with a different body"}}"#)
        #expect(try WireJSON.decode(ErrorResponse.self, from: Data(errorJSON.utf8)) == error)
    }

    @Test func retryAfterReadsSecondsAndHTTPDates() throws {
        let now = Date(timeIntervalSince1970: 784_111_777)
        #expect(RetryAfter.httpDateString(now) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(RetryAfter.httpDate("Sun, 06 Nov 1994 08:49:37 GMT") == now)
        #expect(RetryAfter.seconds(from: "120", now: now) == 120)
        #expect(RetryAfter.seconds(from: " 1 ", now: now) == 1)
        #expect(RetryAfter.seconds(from: "Sun, 06 Nov 1994 08:49:40 GMT", now: now) == 3)
        #expect(RetryAfter.seconds(from: "Sun, 06 Nov 1994 08:49:30 GMT", now: now) == 0)
        #expect(RetryAfter.seconds(from: "soon", now: now) == nil)
        #expect(RetryAfter.seconds(from: "-5", now: now) == nil)
        #expect(RetryAfter.httpDateString(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }
}

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesUpToTheCapWithFullJitter() {
        let policy = BackoffPolicy()
        #expect((1...10).map { policy.ceiling(afterFailures: $0) } == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300])
        #expect(policy.ceiling(afterFailures: 1000) == 300)
        #expect(policy.delay(afterFailures: 3, unitRandom: 0.5) == 2)
        #expect(policy.delay(afterFailures: 3, unitRandom: 0) == 0)
        #expect(policy.delay(afterFailures: 20, unitRandom: 0.999) < 300)
    }

    @Test func statusesMapToOutcomes() {
        let now = Date(timeIntervalSince1970: 1000)
        func outcome(_ status: Int, _ headers: [String: String] = [:], _ body: String = "") -> UploadOutcome {
            UploadOutcome.classify(status: status, headers: headers, body: Data(body.utf8), now: now)
        }
        #expect(outcome(200) == .delivered(status: 200, prediction: nil))
        #expect(outcome(201) == .delivered(status: 201, prediction: nil))
        #expect(outcome(429, ["retry-after": "7"]) == .retry(status: 429, reason: "HTTP 429: empty body", retryAfter: 7))
        #expect(outcome(503) == .retry(status: 503, reason: "HTTP 503: empty body", retryAfter: nil))
        #expect(outcome(500, ["retry-after": "7"], "boom") == .retry(status: 500, reason: "HTTP 500: boom", retryAfter: nil))
        #expect(
            outcome(400, [:], #"{"error":{"code":"invalid_audio","message":"body: not a RIFF/WAVE file"}}"#)
                == .refused(status: 400, reason: "invalid_audio: body: not a RIFF/WAVE file"))
        #expect(outcome(409, [:], "same key, other body") == .refused(status: 409, reason: "same key, other body"))
        #expect(outcome(408) == .retry(status: 408, reason: "HTTP 408: empty body", retryAfter: nil))
    }
}
