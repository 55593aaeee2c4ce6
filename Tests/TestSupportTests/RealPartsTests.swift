import Foundation
import Testing

@testable import TestSupport

/// The real parts CI needs are there: when one is missing, these fail (naming it and how to
/// install it) as do the tests that use it. Nothing is skipped.
@Suite struct RealPartsTests {
    @Test func theMCPVenvWithTheTimeServerIsInstalled() throws {
        #expect(try RealParts.timeServer() == RealParts.venv + "/bin/mcp-server-time")
        #expect(try RealParts.venvPython() == RealParts.venv + "/bin/python3")
        #expect(RealParts.venv.hasSuffix("/.build/mcp-venv"))
        #expect(FileManager.default.fileExists(atPath: RealParts.packageRoot + "/Package.swift"))
    }

    @Test func python3AndTmuxAreInstalled() throws {
        #expect(try RealParts.python().hasSuffix("/python3"))
        #expect(try RealParts.tmux().hasSuffix("/tmux"))
    }

    @Test(arguments: ["bankfuture-chat", "bankfuture-chat-tools", "fake-openrouter"])
    func theProgramsAreBuilt(name: String) throws {
        #expect(try RealParts.builtProgram(name) == RealParts.binaryDirectory + "/" + name)
    }

    @Test func aMissingPartSaysWhatAndHowToGetIt() {
        let error = #expect(throws: MissingPart.self) { try RealParts.builtProgram("no-such-program") }
        #expect(
            error?.description
                == "missing \(RealParts.binaryDirectory)/no-such-program; build it with swift build --build-tests (make test does)")
        #expect(
            MissingPart("mcp-server-time at /v/bin/mcp-server-time", installReason: "pip install failed").description
                == "missing mcp-server-time at /v/bin/mcp-server-time; install it with ./.ci/install-deps (or make deps); "
                + "the last install said: pip install failed")
    }
}
