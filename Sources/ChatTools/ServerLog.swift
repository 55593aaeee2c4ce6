/// Where a stdio server's standard error goes: `DIRECTORY/NAME.log`, appended to, a
/// `PrivateLog` (folder 0700, file 0600).
enum ServerLog {
    /// `NAME.log` with characters that could leave the folder (`/`, a leading `.`) as `_`.
    static func fileName(for server: String) -> String {
        var name = String(
            server.unicodeScalars.map { scalar -> Character in
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "_-.".unicodeScalars.contains(scalar))
                    ? Character(scalar) : "_"
            })
        if name.isEmpty || name.hasPrefix(".") { name = "_" + name }
        return name + ".log"
    }
}
