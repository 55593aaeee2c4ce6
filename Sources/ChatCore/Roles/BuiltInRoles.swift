/// The roles every installation has; a file of the same name replaces one.
public enum BuiltInRoles {
    /// What the `shell` role tells the model about where the command will run.
    public struct Place: Sendable {
        public var os: String
        public var shell: String
        public var directory: String

        public init(os: String, shell: String, directory: String) {
            self.os = os
            self.shell = shell
            self.directory = directory
        }
    }

    public static let names = ["code", "explain", "shell"]

    /// The built-in role `name`, or nil.
    public static func role(_ name: String, place: Place) -> RoleProfile? {
        switch name {
        case "shell":
            return RoleProfile(
                name: "shell",
                systemPrompt: """
                    You turn a task into one shell command. The command runs on \(place.os) in \(place.shell), \
                    in the directory \(place.directory).
                    Answer with the command only: one line (join steps with && or pipes), no explanation, no Markdown, \
                    no code fences. Prefer safe, standard tools. If the task cannot be done safely with one command, \
                    answer with a command that prints why (echo …).
                    """)
        case "code":
            return RoleProfile(
                name: "code",
                systemPrompt: """
                    You are a senior software engineer. Answer with code first: complete, correct and idiomatic, in \
                    fenced code blocks with the language named. Keep explanations short and after the code.
                    """)
        case "explain":
            return RoleProfile(
                name: "explain",
                systemPrompt: """
                    You explain things clearly to a curious, technical reader: start with a one-sentence answer, then \
                    the why, step by step, with a small example. No filler.
                    """)
        default:
            return nil
        }
    }
}
