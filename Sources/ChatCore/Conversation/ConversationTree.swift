/// Every message of a conversation, as a tree: each message has a parent (the first ones have
/// none), and the **current branch** is the path from the root to the current position
/// (`leaf`). Editing, regenerating and comparing add siblings; moving back only moves the
/// position. Nothing is ever removed.
///
/// Messages are numbered 1, 2, 3 … in the order they were added (`id`), and a parent is always
/// added before its children, so a node's id is its place in ``nodes`` plus one and every
/// lookup is an index. A 10,000-message tree costs the messages plus three integers each.
public struct ConversationTree: Sendable, Equatable {
    /// One message and where it hangs.
    public struct Node: Sendable, Equatable {
        /// 1, 2, 3 … in the order the messages were added.
        public let id: Int
        /// The message this one follows; nil for a first message.
        public let parent: Int?
        public var message: ChatMessage
        /// The model that wrote an assistant message, as the server named it.
        public var model: String?
        /// Tokens and cost of the request that produced this message (assistant messages).
        public var usage: Usage?

        public init(id: Int, parent: Int?, message: ChatMessage, model: String? = nil, usage: Usage? = nil) {
            self.id = id
            self.parent = parent
            self.message = message
            self.model = model
            self.usage = usage
        }
    }

    /// Why a node cannot be added or a position taken (a saved file that does not fit).
    public struct Problem: Error, Sendable, Equatable {
        public var reason: String
    }

    /// Every message, in the order added (`nodes[id - 1]`).
    public private(set) var nodes: [Node] = []
    /// The children of each node, in the order added (parallel to `nodes`).
    private var childIDs: [[Int]] = []
    /// The first messages (no parent), in the order added.
    public private(set) var rootIDs: [Int] = []
    /// The current position: the last message of the current branch; nil before the first one.
    public private(set) var leaf: Int?

    public init() {}

    /// A tree of one branch holding `messages` in order, positioned at the last.
    public init(branch messages: [ChatMessage]) {
        var parent: Int?
        for message in messages { parent = append(message, under: parent) }
    }

    public var isEmpty: Bool { nodes.isEmpty }
    public var count: Int { nodes.count }

    /// The node `id`, or nil when there is none.
    public func node(_ id: Int) -> Node? {
        id >= 1 && id <= nodes.count ? nodes[id - 1] : nil
    }

    /// The children of `id` (the first messages for nil), in the order added.
    public func children(of id: Int?) -> [Int] {
        guard let id else { return rootIDs }
        return id >= 1 && id <= childIDs.count ? childIDs[id - 1] : []
    }

    /// Adds `message` as the last child of `parent` and makes it the current position.
    /// Returns its id.
    @discardableResult
    public mutating func append(_ message: ChatMessage, under parent: Int?, model: String? = nil, usage: Usage? = nil) -> Int {
        let id = nodes.count + 1
        let parent = parent.flatMap { node($0) == nil ? nil : $0 }
        nodes.append(Node(id: id, parent: parent, message: message, model: model, usage: usage))
        childIDs.append([])
        if let parent { childIDs[parent - 1].append(id) } else { rootIDs.append(id) }
        leaf = id
        return id
    }

    /// Adds a node read from a file: its id must be the next one and its parent an earlier node.
    public mutating func restore(_ node: Node) throws(Problem) {
        guard node.id == nodes.count + 1 else {
            throw Problem(reason: "message id \(node.id) is out of order (expected \(nodes.count + 1))")
        }
        if let parent = node.parent, self.node(parent) == nil {
            throw Problem(reason: "message \(node.id) follows message \(parent), which does not come before it")
        }
        append(node.message, under: node.parent, model: node.model, usage: node.usage)
    }

    /// Moves the current position to `id` (nil: before the first message).
    public mutating func move(to id: Int?) throws(Problem) {
        if let id, node(id) == nil { throw Problem(reason: "there is no message \(id)") }
        leaf = id
    }

    /// The ids from the first message to `id`, in order.
    public func path(to id: Int?) -> [Int] {
        var ids: [Int] = []
        var current = id.flatMap { node($0) == nil ? nil : $0 }
        while let id = current {
            ids.append(id)
            current = nodes[id - 1].parent
        }
        return ids.reversed()
    }

    /// The ids of the current branch, first message first.
    public var branch: [Int] { path(to: leaf) }

    /// The messages of the current branch, first message first.
    public var branchMessages: [ChatMessage] { branch.map { nodes[$0 - 1].message } }

    /// Every node without children — each the end of one branch — in the order added.
    public var leaves: [Int] {
        var ids: [Int] = []
        for (index, children) in childIDs.enumerated() where children.isEmpty { ids.append(index + 1) }
        return ids
    }

    /// Which version `id` is among its siblings (1-based) and how many there are.
    public func version(of id: Int) -> (number: Int, of: Int) {
        guard let node = node(id) else { return (1, 1) }
        let siblings = children(of: node.parent)
        return ((siblings.firstIndex(of: id) ?? 0) + 1, siblings.count)
    }

    /// The deepest node under `id` reached by always taking the newest child: where a
    /// branch that leaves at `id` ends.
    public func newestLeaf(under id: Int) -> Int {
        var current = id
        while let next = children(of: current).last { current = next }
        return current
    }

    /// Where the path to `id` leaves the path to `other`: the last id they share (nil when
    /// they share nothing).
    public func commonAncestor(_ id: Int, _ other: Int?) -> Int? {
        let mine = path(to: id)
        let theirs = path(to: other)
        var shared: Int?
        for (a, b) in zip(mine, theirs) {
            guard a == b else { break }
            shared = a
        }
        return shared
    }
}
