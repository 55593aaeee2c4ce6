/// The branches of a conversation as `/tree` lists them and `/switch K` picks them: one per
/// leaf (a message nothing follows), in the order they were made, and the current position
/// too when it is not a leaf (after `/undo` or `/rewind`: where the next message goes).
public struct BranchList: Sendable, Equatable {
    /// One branch.
    public struct Branch: Sendable, Equatable {
        /// 1, 2, … as listed.
        public var number: Int
        /// Its last message (nil: a branch of nothing, before the first message).
        public var end: Int?
        /// The number, on the current branch, of the last message they share (0: none).
        public var leavesAt: Int
        /// The model of its last answer.
        public var model: String?
        /// How many messages it holds.
        public var messageCount: Int
        /// Its last user message's first line.
        public var lastUserLine: String
        public var isCurrent: Bool
    }

    public var branches: [Branch]

    /// The branches of `tree`. Linear in the tree's size (depths and the current branch are
    /// worked out once), so a tree of thousands of leaves lists at once.
    public init(_ tree: ConversationTree) {
        var depth = [Int](repeating: 0, count: tree.count + 1)
        for node in tree.nodes { depth[node.id] = (node.parent.map { depth[$0] } ?? 0) + 1 }
        var onCurrent = [Bool](repeating: false, count: tree.count + 1)
        for id in tree.branch { onCurrent[id] = true }
        var ends = tree.leaves.map { Optional($0) }
        if !tree.children(of: tree.leaf).isEmpty || tree.isEmpty { ends.append(tree.leaf) }
        branches = ends.enumerated().map { index, end in
            var model: String?
            var lastUser: String?
            var shared: Int?
            var current = end
            while let id = current, let node = tree.node(id) {
                if model == nil, node.message.role == .assistant { model = node.model }
                if lastUser == nil, node.message.role == .user { lastUser = TextLines.firstNonBlank(node.message.content) }
                if onCurrent[id] {
                    if shared == nil { shared = depth[id] }
                    if model != nil && lastUser != nil { break }
                }
                current = node.parent
            }
            return Branch(
                number: index + 1, end: end, leavesAt: shared ?? 0, model: model, messageCount: end.map { depth[$0] } ?? 0,
                lastUserLine: lastUser ?? "", isCurrent: end == tree.leaf)
        }
    }

    /// Branch `number`, when there is one.
    public func branch(_ number: Int) -> Branch? {
        number >= 1 && number <= branches.count ? branches[number - 1] : nil
    }
}
