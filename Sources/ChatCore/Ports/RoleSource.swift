/// Where roles come from: the roles folder and the built-in roles.
public protocol RoleSource: Sendable {
    /// Every role's name, sorted.
    func names() -> [String]
    /// The role `name`; an unknown one, or a bad file, is a one-line problem.
    func role(_ name: String) throws(UsageError) -> RoleProfile
}
