/// The program's version, shown by `--version` and sent in `User-Agent`.
public enum BuildInfo {
    public static let version = "0.1.0"
}
