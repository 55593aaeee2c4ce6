import ChatCore
import ChatOpenRouter

/// `--models` and `--key-info`.
@MainActor
enum Listing {
    static func models(_ launch: Launch, filter: String?) async -> Int32 {
        do {
            let models = try await launch.transport.listModels()
            if launch.options.json {
                let needle = filter?.lowercased()
                let rows = models.filter { needle == nil || $0.id.lowercased().contains(needle!) || ($0.name?.lowercased().contains(needle!) ?? false) }
                Output.stdout(ModelInfo.jsonArray(rows) + "\n")
            } else {
                Output.stdout(ModelTable.render(models, filter: filter))
            }
            return 0
        } catch let error as ChatError {
            Output.error(launch.describe(error))
            return error.exitCode
        } catch {
            Output.error(String(describing: error))
            return 1
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
        } catch let error as ChatError {
            Output.error(launch.describe(error))
            return error.exitCode
        } catch {
            Output.error(String(describing: error))
            return 1
        }
    }
}
