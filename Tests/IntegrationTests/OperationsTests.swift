import Foundation
import Testing
import TestSupport

/// Metrics, auth, graceful shutdown and the served OpenAPI document.
@Suite(.timeLimit(.minutes(3)))
struct OperationsTests {
    private func sample(_ metrics: String, _ series: String) -> Double? { PrometheusText.sample(metrics, series) }

    @Test func metricsParseAsPrometheusTextAndCountersMove() throws {
        let daemon = try Daemon()
        let id = try daemon.uploadText("(module (func (export \"one\") (result i32) i32.const 1) (func (export \"t\") unreachable))")
        _ = try daemon.invoke(id, "one")
        let before = try daemon.request("GET", "/metrics")
        #expect(before.status == 200)
        #expect(before.header("Content-Type")?.hasPrefix("text/plain") == true)
        let invokeSeries = "wasmhost_http_requests_total{route=\"/v1/modules/{ref}/invoke/{export}\",method=\"POST\",status=\"200\"}"
        let first = try #require(sample(before.text, invokeSeries), "\(before.text)")
        _ = try daemon.invoke(id, "one")
        _ = try daemon.invoke(id, "t")
        let after = try daemon.request("GET", "/metrics").text
        #expect(sample(after, invokeSeries) == first + 1)
        #expect(sample(after, "wasmhost_traps_total{kind=\"unreachable\"}") == 1)
        #expect(sample(after, "wasmhost_modules_stored") == 1)
        #expect((sample(after, "wasmhost_fuel_used_total") ?? 0) >= 2)
        #expect(after.contains("wasmhost_invocation_duration_seconds_bucket{outcome=\"trap\""))
        // Every sample line is `name{labels} value` or `name value`; labels never hold an id.
        for line in after.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(Double(line.split(separator: " ").last ?? "") != nil, "\(line)")
            #expect(!line.contains(id))
        }
    }

    @Test func unknownMethodsShareOneMetricLabel() throws {
        let daemon = try Daemon()
        for method in ["BREW", "WHEN", "FROBNICATE"] {
            #expect(try daemon.request(method, "/healthz").status == 405)
        }
        let metrics = try daemon.request("GET", "/metrics").text
        let other = "wasmhost_http_requests_total{route=\"/healthz\",method=\"other\",status=\"405\"}"
        #expect(sample(metrics, other) == 3, "\(metrics)")
        #expect(!metrics.contains("BREW") && !metrics.contains("FROBNICATE"))
    }

    @Test func bearerAuthGuardsV1AndLeavesHealthOpen() throws {
        let daemon = try Daemon(environment: ["WASMHOST_TOKEN": "s3cret"])
        #expect(try daemon.request("GET", "/v1/modules").status == 401)
        #expect(try daemon.request("GET", "/v1/modules", headers: ["Authorization: Bearer wrong"]).status == 401)
        #expect(try daemon.request("GET", "/v1/modules", headers: ["Authorization: Bearer s3cret-but-longer"]).status == 401)
        #expect(try daemon.request("GET", "/v1/modules", headers: ["Authorization: Bearer s3cret"]).status == 200)
        // 401 before 404: nothing about what exists leaks without the token.
        let unknown = try daemon.request("GET", "/v1/nothing/here")
        #expect(unknown.status == 401)
        #expect(unknown.json["code"] as? String == "unauthorized")
        #expect(unknown.header("WWW-Authenticate") == "Bearer")
        #expect(try daemon.request("GET", "/v1/modules/missing").status == 401)
        for open in ["/healthz", "/readyz", "/metrics", "/openapi.json"] {
            #expect(try daemon.request("GET", open).status == 200)
        }
        // Every line is written by a clean exit; none of them holds the token.
        #expect(daemon.terminate() == 0)
        #expect(daemon.log.contains("/openapi.json"))
        #expect(!daemon.log.contains("s3cret"))
    }

    @Test(.timeLimit(.minutes(3)))
    func sigtermLetsARunningInvocationFinishThenExitsZero() throws {
        // Fuel for seconds of compiled code too (Wasmtime burns 10^8 in about 0.1 s).
        // A grace period and a deadline far past the run, even on a machine so busy that
        // the calibrated second of work takes a minute: only a drain that cuts it short fails.
        let daemon = try Daemon(environment: [
            "WASMHOST_LIMITS_FUEL": "1000000000000000", "WASMHOST_LIMITS_TIMEOUT_MS": "150000",
            "WASMHOST_SHUTDOWN_GRACE_SECONDS": "150",
        ])
        // Burns CPU for a while (about 1 s once calibrated) and then returns normally.
        let wat = """
            (module (func (export "work") (param i64) (result i64) (local i64)
              (loop $l (local.set 1 (i64.add (local.get 1) (i64.const 1)))
                (br_if $l (i64.lt_u (local.get 1) (local.get 0)))) (local.get 1)))
            """
        let id = try daemon.uploadText(wat)
        // Calibrated on the fastest of three runs, so that a busy machine makes the
        // real run longer, never shorter than the checks below need.
        let perMillion = try (0..<3).map { _ in
            let started = Date()
            _ = try daemon.invoke(id, "work", "{\"args\":[1000000]}")
            return Date().timeIntervalSince(started)
        }.min() ?? 0.001
        let iterations = Int(1.0 / max(perMillion, 0.001) * 1_000_000)
        let result = LockedArray()
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let answer = try? daemon.connect(timeoutSeconds: 160).request(
                "POST", "/v1/modules/\(id)/invoke/work", body: Array("{\"args\":[\(iterations)]}".utf8), headers: ["Content-Type: application/json"])
            result.append(answer?.status ?? 0)
            finished.signal()
        }
        // SIGTERM only once the invocation is running (not while it is still on its way).
        let running = Poll.until(seconds: 30) {
            (try? daemon.request("GET", "/metrics")).flatMap { sample($0.text, "wasmhost_invocations_running") } == 1
        }
        try #require(running, "the invocation never showed as running")
        let process = try #require(daemon.process)
        kill(process.processIdentifier, SIGTERM)
        // Draining: not ready, and new invocations are refused, while the running one goes on.
        #expect(Poll.until(seconds: 10) { (try? daemon.request("GET", "/readyz"))?.status == 503 })
        #expect(try daemon.invoke(id, "work", "{\"args\":[1]}").json["code"] as? String == "not_ready")
        #expect(process.isRunning, "the daemon exited with an invocation still running")
        #expect(finished.wait(timeout: .now() + 160) == .success)
        #expect(Poll.until(seconds: 30) { !process.isRunning })
        #expect(result.values == [200], "the running invocation finished normally")
        #expect(process.terminationStatus == 0)
    }

    @Test func theServedOpenAPIDocumentMatchesTheRoutes() throws {
        let daemon = try Daemon()
        let document = try daemon.request("GET", "/openapi.json")
        #expect(document.status == 200)
        #expect(document.json["openapi"] as? String == "3.1.0")
        let paths = try #require(document.json["paths"] as? [String: [String: Any]])
        let served: [String: Set<String>] = [
            "/healthz": ["get"], "/readyz": ["get"], "/metrics": ["get"], "/openapi.json": ["get"],
            "/v1/modules": ["get", "post"], "/v1/modules/{ref}": ["get", "put", "delete"],
            "/v1/modules/{ref}/openapi.json": ["get"],
            "/v1/modules/{ref}/invoke/{export}": ["post"], "/": ["get"], "/console/{asset}": ["get"],
        ]
        let methods = ["get", "post", "put", "delete", "patch", "head", "options"]
        #expect(Set(paths.keys) == Set(served.keys))
        for (path, operations) in paths {
            #expect(Set(operations.keys.filter(methods.contains)) == served[path], "\(path)")
        }
        // The routes the server answers are those: anything else is 404 or 405.
        for (path, allowed) in served {
            for method in ["GET", "POST", "DELETE", "PUT"] where !allowed.contains(method.lowercased()) {
                let concrete = path.replacingOccurrences(of: "{ref}", with: "x").replacingOccurrences(of: "{export}", with: "y")
                    .replacingOccurrences(of: "{asset}", with: "app.js")
                #expect(try daemon.request(method, concrete).status == 405, "\(method) \(path)")
            }
        }
    }

    @Test func logsAreJSONLinesWhenAskedWithARequestIDPerRequest() throws {
        let daemon = try Daemon(environment: ["WASMHOST_LOG_FORMAT": "json"])
        let answer = try daemon.request("GET", "/healthz")
        let requestID = try #require(answer.header("X-Request-Id"))
        #expect(daemon.logEventually(contains: requestID))
        let lines = daemon.log.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let line = try #require(lines.first { $0["request_id"] as? String == requestID })
        #expect(line["route"] as? String == "/healthz")
        #expect(line["status"] as? String == "200")
        #expect(line["duration_us"] != nil)
    }
}
