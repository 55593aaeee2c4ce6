/// How a server was lost, in the words of its notice: `exited (status 3)`,
/// `was killed by signal 9`, or why its connection was given up; `hint` points at its log.
package struct ServerLoss: Sendable, Equatable {
    package var description: String
    package var hint: String?

    package init(_ description: String, hint: String? = nil) {
        self.description = description
        self.hint = hint
    }
}
