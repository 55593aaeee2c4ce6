/// An incremental Server-Sent Events parser: a state machine over bytes.
///
/// Feed it network chunks as they arrive, split anywhere (inside a line, a CRLF pair or a
/// UTF-8 character); it emits an event for each complete `data:` event and for each
/// comment line. Lines end in LF, CRLF or CR. A line longer than `maxLineBytes` is an error,
/// and so is an event whose `data:` lines add up to more, so a hostile server cannot make it
/// buffer without bound.
public struct ServerSentEventParser: Sendable {
    /// What the parser recognised.
    public enum Event: Sendable, Equatable {
        /// The data of one event (several `data:` lines joined by "\n").
        case data(String)
        /// A comment line (`: OPENROUTER PROCESSING`), without the colon.
        case comment(String)
    }

    /// Thrown when one line, or the data of one event, is longer than the cap.
    public struct LineTooLong: Error, Sendable, Equatable {
        public var limit: Int
    }

    public let maxLineBytes: Int
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var lastWasCR = false
    /// Set when a `data:` line would make the event's data exceed the cap.
    private var overflow = false

    public init(maxLineBytes: Int = 16 * 1024 * 1024) {
        self.maxLineBytes = maxLineBytes
    }

    /// Feeds a chunk of bytes and calls `emit` for each event it completes.
    public mutating func feed(_ chunk: some Sequence<UInt8>, emit: (Event) throws -> Void) throws {
        let handled: Void? = try chunk.withContiguousStorageIfAvailable { buffer in
            try feedBuffer(UnsafeRawBufferPointer(buffer), emit: emit)
        }
        if handled == nil {
            let array = Array(chunk)
            try array.withUnsafeBytes { try feedBuffer($0, emit: emit) }
        }
    }

    /// Feeds a chunk and returns the events it completes.
    public mutating func feed(_ chunk: some Sequence<UInt8>) throws -> [Event] {
        var events: [Event] = []
        try feed(chunk) { events.append($0) }
        return events
    }

    /// Ends the input: a final event without its blank line is still delivered.
    public mutating func finish() -> [Event] {
        var events: [Event] = []
        if !line.isEmpty { processLine(&events) }
        if hasData && !overflow { events.append(.data(String(decoding: data, as: UTF8.self))) }
        data.removeAll()
        hasData = false
        overflow = false
        line.removeAll()
        return events
    }

    private mutating func feedBuffer(_ buffer: UnsafeRawBufferPointer, emit: (Event) throws -> Void) throws {
        var start = 0
        let count = buffer.count
        var i = 0
        while i < count {
            let byte = buffer[i]
            if byte == 0x0A || byte == 0x0D {
                if byte == 0x0A && lastWasCR && i == start && line.isEmpty {
                    // LF completing a CRLF whose CR ended the previous line.
                    lastWasCR = false
                    i += 1
                    start = i
                    continue
                }
                line.append(contentsOf: buffer[start..<i])
                if line.count > maxLineBytes { throw LineTooLong(limit: maxLineBytes) }
                try endLine(emit: emit)
                lastWasCR = byte == 0x0D
                i += 1
                start = i
                continue
            }
            lastWasCR = false
            i += 1
        }
        if start < count {
            line.append(contentsOf: buffer[start..<count])
            if line.count > maxLineBytes { throw LineTooLong(limit: maxLineBytes) }
        }
    }

    private mutating func endLine(emit: (Event) throws -> Void) throws {
        var events: [Event] = []
        processLine(&events)
        line.removeAll(keepingCapacity: true)
        if overflow { throw LineTooLong(limit: maxLineBytes) }
        for event in events { try emit(event) }
    }

    private mutating func processLine(_ events: inout [Event]) {
        if line.isEmpty {
            // Blank line: dispatch the pending event.
            if hasData {
                events.append(.data(String(decoding: data, as: UTF8.self)))
                data.removeAll(keepingCapacity: true)
                hasData = false
            }
            return
        }
        if line[0] == UInt8(ascii: ":") {
            var text = line[1...]
            if text.first == 0x20 { text = text.dropFirst() }
            events.append(.comment(String(decoding: text, as: UTF8.self)))
            return
        }
        // field[:[ ]value]
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        let isData =
            colon == 4 && line[0] == UInt8(ascii: "d") && line[1] == UInt8(ascii: "a")
            && line[2] == UInt8(ascii: "t") && line[3] == UInt8(ascii: "a")
        guard isData else { return }  // event:, id:, retry: and unknown fields are ignored
        var valueStart = colon < line.endIndex ? colon + 1 : colon
        if valueStart < line.endIndex, line[valueStart] == 0x20 { valueStart += 1 }
        if data.count + (hasData ? 1 : 0) + (line.endIndex - valueStart) > maxLineBytes {
            overflow = true
            return
        }
        if hasData { data.append(0x0A) }
        data.append(contentsOf: line[valueStart...])
        hasData = true
    }
}
