import AsyncHTTPClient
import ChatCore
import NIOCore

extension OpenRouterHTTP {
    /// Largest buffer a body is written in.
    static let bodyChunkSize = 1 << 20

    /// `body` as AsyncHTTPClient sends it: its pieces written in order, in buffers of at most
    /// `bodyChunkSize` bytes, each after the one before was taken by the connection. A history
    /// with a 20 MB image is never copied into one buffer: only the next megabyte is.
    @Sendable static func httpBody(_ body: RequestBody) -> HTTPClient.Body {
        let chunks = BodyChunks(body, chunkSize: bodyChunkSize)
        return .stream(contentLength: Int64(body.count)) { writer in
            @Sendable func write(from index: Int) -> EventLoopFuture<Void> {
                let written = writer.write(.byteBuffer(chunks.buffer(index)))
                return index + 1 < chunks.count ? written.flatMap { write(from: index + 1) } : written
            }
            return write(from: 0)
        }
    }
}

/// The chunks of a body: which piece, and which range of its bytes, each one is.
struct BodyChunks: Sendable {
    private let pieces: [RequestBody.Piece]
    private let chunks: [(piece: Int, range: Range<Int>)]

    init(_ body: RequestBody, chunkSize: Int) {
        pieces = body.pieces
        var chunks: [(piece: Int, range: Range<Int>)] = []
        for (index, piece) in body.pieces.enumerated() {
            let count =
                switch piece {
                case .bytes(let bytes): bytes.count
                case .text(let text): text.utf8.count
                }
            var start = 0
            while start < count {
                let end = min(start + chunkSize, count)
                chunks.append((index, start..<end))
                start = end
            }
        }
        // A body with no bytes at all is still written once (an empty buffer).
        self.chunks = chunks.isEmpty ? [(0, 0..<0)] : chunks
    }

    var count: Int { chunks.count }

    func buffer(_ index: Int) -> ByteBuffer {
        let (piece, range) = chunks[index]
        guard piece < pieces.count else { return ByteBuffer() }
        switch pieces[piece] {
        case .bytes(let bytes):
            return ByteBuffer(bytes: bytes[range])
        case .text(let text):
            let utf8 = text.utf8
            let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            let end = utf8.index(start, offsetBy: range.count)
            return ByteBuffer(bytes: utf8[start..<end])
        }
    }
}
