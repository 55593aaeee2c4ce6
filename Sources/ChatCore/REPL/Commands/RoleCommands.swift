/// `/role`: list the roles, or switch to one.
@MainActor
struct RoleCommands {
    let state: REPLState

    func handle(_ command: SlashCommand) {
        guard case .role(let name) = command else { return }
        let renderer = state.renderer
        guard let roles = state.services.roles else {
            renderer.error("/role is not available here")
            return
        }
        guard let name else {
            var lines: [String] = []
            for role in roles.names() {
                do {
                    let profile = try roles.role(role)
                    lines.append(role.padding(12) + (profile.model ?? "-").padding(28) + profile.firstLine)
                } catch {
                    lines.append(role.padding(12) + "(cannot be read: \(error.message))")
                }
            }
            renderer.output(lines.joined(separator: "\n") + "\n")
            return
        }
        do {
            let role = try roles.role(name)
            role.apply(to: &state.session)
            state.autosave()
            renderer.notice(
                "role \(role.name): "
                    + [role.model.map { "model \($0)" }, "system prompt set (\(role.systemPrompt.count) characters)"].compactMap { $0 }
                    .joined(separator: ", "))
        } catch {
            renderer.error(error.message)
        }
    }
}
