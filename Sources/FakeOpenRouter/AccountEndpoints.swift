/// `GET /key` and `GET /generation?id=`: what the key has spent and what one answer cost.
extension DefaultResponder {
    /// `GET /key`: the current shape, with the deprecated `rate_limit` still present.
    static var keyInfo: ResponsePlan {
        .json(
            .object([
                (
                    "data",
                    .object([
                        ("label", .string("sk-or-v1-abc...xyz")),
                        ("usage", .double(1.25)),
                        ("usage_daily", .double(0.25)),
                        ("usage_weekly", .double(0.75)),
                        ("usage_monthly", .double(1.25)),
                        ("limit", .int(10)),
                        ("limit_remaining", .double(8.75)),
                        ("limit_reset", .string("monthly")),
                        ("include_byok_in_limit", .bool(false)),
                        ("is_free_tier", .bool(false)),
                        (
                            "rate_limit",
                            .object([
                                ("requests", .int(-1)),
                                ("interval", .string("10s")),
                                ("note", .string("This field is deprecated and safe to ignore.")),
                            ])
                        ),
                    ])
                )
            ]))
    }

    /// `GET /generation?id=ID`: the record of an answer the fake gave; 404 for an id it never gave.
    func generationInfo(_ request: RecordedRequest) -> ResponsePlan {
        guard let id = request.query("id"), !id.isEmpty else {
            return .error(status: 400, message: "Missing required query parameter: id")
        }
        guard let generation = lookUpGeneration(id) else {
            return .error(status: 404, message: "Generation \(id) not found")
        }
        return .json(generation.json)
    }
}
