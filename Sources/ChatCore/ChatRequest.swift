/// How much the model should reason (OpenRouter's `reasoning` object).
public enum ReasoningSetting: Sendable, Equatable {
    /// `{"effort": "low"|"medium"|"high"}`.
    case effort(String)
    /// `{"exclude": true}`: reasoning is not returned (and not shown).
    case off
}

/// Optional request parameters that go into every request when set.
public struct RequestParameters: Sendable, Equatable {
    public var temperature: Double?
    public var maxTokens: Int?
    public var topP: Double?
    public var reasoning: ReasoningSetting?
    /// Provider routing: `provider.order`.
    public var providerOrder: [String]
    /// Provider routing: `provider.allow_fallbacks`.
    public var allowFallbacks: Bool?

    public init(
        temperature: Double? = nil, maxTokens: Int? = nil, topP: Double? = nil, reasoning: ReasoningSetting? = nil,
        providerOrder: [String] = [], allowFallbacks: Bool? = nil
    ) {
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.topP = topP
        self.reasoning = reasoning
        self.providerOrder = providerOrder
        self.allowFallbacks = allowFallbacks
    }
}

/// One `POST /chat/completions` request, built by `ChatSession` and sent by a transport.
public struct ChatRequest: Sendable, Equatable {
    public var model: String
    /// System prompt first (when there is one), then the history oldest first, then the new user message.
    public var messages: [ChatMessage]
    public var stream: Bool
    public var parameters: RequestParameters
    /// Fallback models for OpenRouter's `models` field (the primary model is listed first when non-empty).
    public var fallbackModels: [String]

    public init(
        model: String, messages: [ChatMessage], stream: Bool,
        parameters: RequestParameters = .init(), fallbackModels: [String] = []
    ) {
        self.model = model
        self.messages = messages
        self.stream = stream
        self.parameters = parameters
        self.fallbackModels = fallbackModels
    }

    /// The JSON body of the request. Written by hand: it is on the path of every turn, and a
    /// long history must encode in linear time without `JSONEncoder`'s overhead.
    public func jsonBody() -> [UInt8] {
        var out = JSONWriter()
        // Room for the wrapper of each message (`{"role":"assistant","content":""},` is 34
        // bytes) and some escapes, so a long history is written without reallocating.
        out.reserve(messages.reduce(128) { $0 + $1.content.utf8.count + $1.content.utf8.count / 16 + 48 })
        out.raw("{\"model\":")
        out.string(model)
        out.raw(",\"messages\":[")
        for (i, message) in messages.enumerated() {
            if i > 0 { out.raw(",") }
            out.raw("{\"role\":")
            out.string(message.role.rawValue)
            out.raw(",\"content\":")
            out.string(message.content)
            out.raw("}")
        }
        out.raw("],\"stream\":")
        out.raw(stream ? "true" : "false")
        if let temperature = parameters.temperature {
            out.raw(",\"temperature\":")
            out.number(temperature)
        }
        if let maxTokens = parameters.maxTokens {
            out.raw(",\"max_tokens\":")
            out.raw(String(maxTokens))
        }
        if let topP = parameters.topP {
            out.raw(",\"top_p\":")
            out.number(topP)
        }
        switch parameters.reasoning {
        case .effort(let effort)?:
            out.raw(",\"reasoning\":{\"effort\":")
            out.string(effort)
            out.raw("}")
        case .off?:
            out.raw(",\"reasoning\":{\"exclude\":true}")
        case nil:
            break
        }
        if !parameters.providerOrder.isEmpty || parameters.allowFallbacks != nil {
            out.raw(",\"provider\":{")
            var first = true
            if !parameters.providerOrder.isEmpty {
                out.raw("\"order\":[")
                for (i, name) in parameters.providerOrder.enumerated() {
                    if i > 0 { out.raw(",") }
                    out.string(name)
                }
                out.raw("]")
                first = false
            }
            if let allow = parameters.allowFallbacks {
                out.raw((first ? "" : ",") + "\"allow_fallbacks\":" + (allow ? "true" : "false"))
            }
            out.raw("}")
        }
        if !fallbackModels.isEmpty {
            out.raw(",\"models\":[")
            let all = [model] + fallbackModels.filter { $0 != model }
            for (i, id) in all.enumerated() {
                if i > 0 { out.raw(",") }
                out.string(id)
            }
            out.raw("]")
        }
        if stream {
            // Ask for the final usage chunk explicitly; OpenRouter sends it anyway.
            out.raw(",\"stream_options\":{\"include_usage\":true}")
        }
        out.raw("}")
        return out.bytes
    }
}

extension JSONValue {
    /// `s` as a JSON string literal, quotes included.
    public static func quoted(_ s: String) -> String {
        var out = JSONWriter()
        out.string(s)
        return String(decoding: out.bytes, as: UTF8.self)
    }
}

/// Appends JSON tokens to a byte buffer.
struct JSONWriter {
    var bytes: [UInt8] = []

    mutating func reserve(_ n: Int) { bytes.reserveCapacity(n) }

    mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func number(_ d: Double) {
        if d == d.rounded(), abs(d) < 1e15 { raw(String(Int64(d))) } else { raw(String(d)) }
    }

    /// A JSON string literal. Runs of bytes that need no escape (nearly all of a message)
    /// are copied in one append each; appending byte by byte cost ~37 instructions a byte.
    mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var runStart = 0
            var i = 0
            while i < utf8.count {
                let byte = utf8[i]
                if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && byte != 0x7F && byte != 0xC2 {
                    i += 1
                    continue
                }
                // U+0080–U+009F (C1 controls) are C2 80–C2 9F: escaped like C0, so that no
                // JSON this program writes can carry a terminal control.
                if byte == 0xC2 && !(i + 1 < utf8.count && utf8[i + 1] >= 0x80 && utf8[i + 1] <= 0x9F) {
                    i += 1
                    continue
                }
                if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
                if byte == 0xC2 {
                    let c1 = utf8[i + 1]
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, Self.hexDigit(c1 >> 4), Self.hexDigit(c1 & 0xF)])
                    i += 2
                    runStart = i
                    continue
                }
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(0x5C); bytes.append(byte)
                case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
                default:
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, Self.hexDigit(byte >> 4), Self.hexDigit(byte & 0xF)])
                }
                i += 1
                runStart = i
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Lower-case hex digit of a nibble, as in `"0123456789abcdef"`.
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
