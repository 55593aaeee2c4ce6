import Foundation
import TestSupport
import Testing

/// Reads `handle` until a newline, end of file or `timeout`.
private func readLine(from handle: FileHandle, timeout: Duration) async throws -> String {
    try await onThread {
        var bytes: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        var descriptor = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
        while !bytes.contains(UInt8(ascii: "\n")) && ContinuousClock.now < deadline {
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            let data = handle.availableData
            if data.isEmpty { break }
            bytes += data
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

@Suite("fake-openrouter executable")
struct ExecutableTests {
    // `swift build --build-tests` builds the executable too; without it this test fails, saying so.
    @Test func printsItsBaseURLLogsRequestsAndExitsZeroOnSIGINT() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try RealParts.builtProgram("fake-openrouter"))
        process.arguments = ["--port", "0"]
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let firstLine = try await readLine(from: stdout.fileHandleForReading, timeout: .seconds(10))
        let match = try #require(firstLine.wholeMatch(of: /http:\/\/127\.0\.0\.1:(\d+)\/api\/v1\n/))
        let port = try #require(Int(match.1))

        let body = #"{"model":"fake/error-429","stream":true,"messages":[{"role":"user","content":"hi"}]}"#
        let response = try await onThread {
            let connection = try RawConnection(port: port)
            try connection.send(method: "POST", path: "/api/v1/chat/completions", body: body)
            return try connection.readResponse()
        }
        #expect(response.status == 429)
        #expect(response.header("Retry-After") == "1")

        let logLine = try await readLine(from: stderr.fileHandleForReading, timeout: .seconds(5))
        #expect(logLine == "POST /api/v1/chat/completions model=fake/error-429\n")

        kill(process.processIdentifier, SIGINT)
        let exited = try await onThread {
            process.waitUntilExit()
            return process.terminationStatus
        }
        #expect(exited == 0)
        let rest = stdout.fileHandleForReading.readDataToEndOfFile()
        #expect(rest.isEmpty, "stdout must hold exactly one line")
    }
}
