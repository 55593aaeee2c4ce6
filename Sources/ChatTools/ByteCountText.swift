/// Sizes in notes the model reads: `812 bytes`, `12 KB`, `3.4 MB` (1 KB = 1024 bytes).
enum ByteCountText {
    static func describe(_ bytes: Int) -> String {
        if bytes < 1024 { return bytes == 1 ? "1 byte" : "\(bytes) bytes" }
        if bytes < 1024 * 1024 { return "\((bytes + 512) / 1024) KB" }
        let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
        return tenths % 10 == 0 ? "\(tenths / 10) MB" : "\(tenths / 10).\(tenths % 10) MB"
    }

    /// How many bytes `base64` decodes to, without decoding it.
    static func decodedSize(ofBase64 base64: String) -> Int {
        let count = base64.utf8.count
        let padding = base64.utf8.reversed().prefix(2).prefix { $0 == UInt8(ascii: "=") }.count
        return max(0, count / 4 * 3 - padding)
    }
}
