import ChatCore
import ChatOpenRouter

/// `--models` and `--key-info`.
@MainActor
enum Listing {
    static func models(_ launch: Launch, filter: String?) async -> Int32 {
        do {
            let models = try await launch.transport.listModels()
            if launch.invocation.json {
                Output.stdout(ModelInfo.jsonArray(ModelTable.matching(models, filter: filter)) + "\n")
            } else {
                Output.stdout(ModelTable.render(models, filter: filter))
            }
            return 0
        } catch {
            return report(error, launch)
        }
    }

    static func keyInfo(_ launch: Launch) async -> Int32 {
        guard let http = launch.httpTransport else {
            Output.error("--key-info needs the OpenRouter API; it is not available with --offline")
            return 2
        }
        do {
            let body = try await http.keyInfo()
            let info = try KeyInfo.parse(body)
            Output.stdout(info.lines.joined(separator: "\n") + "\n")
            return 0
        } catch {
            return report(error, launch)
        }
    }

    /// Prints a failed request's one line and returns its exit code.
    private static func report(_ error: any Error, _ launch: Launch) -> Int32 {
        if let error = error as? ChatError {
            Output.error(launch.errors.line(error, in: .oneShot))
            return error.exitCode
        }
        Output.error("the request failed")
        return 1
    }
}
