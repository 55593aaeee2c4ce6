/// The JSON body of a request, as pieces: bytes the writer produced, and large texts
/// (base64 of attachments) taken by reference, so that sending the same history again does
/// not copy every image into a new buffer. A transport writes the pieces in order.
public struct RequestBody: Sendable, Equatable {
    public enum Piece: Sendable, Equatable {
        case bytes([UInt8])
        /// Text written as it is (its UTF-8).
        case text(String)
    }

    public let pieces: [Piece]

    public init(pieces: [Piece]) {
        self.pieces = pieces
    }

    /// A body already in one buffer.
    public init(bytes: [UInt8]) {
        pieces = [.bytes(bytes)]
    }

    /// Total length in bytes.
    public var count: Int {
        pieces.reduce(0) { total, piece in
            switch piece {
            case .bytes(let bytes): total + bytes.count
            case .text(let text): total + text.utf8.count
            }
        }
    }

    /// The whole body in one buffer (tests, logs, small requests).
    public var bytes: [UInt8] {
        var all: [UInt8] = []
        all.reserveCapacity(count)
        for piece in pieces {
            switch piece {
            case .bytes(let bytes): all += bytes
            case .text(let text): all += text.utf8
            }
        }
        return all
    }
}
