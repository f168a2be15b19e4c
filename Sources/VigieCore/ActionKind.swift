/// The actions a rule can ask for, and everything each phase needs to know about them: the one
/// table that the parser, the checker, the compiler, precedence, decision lines, explanations,
/// backtests, `run --stats` and reports read.
///
/// Each column below is an exhaustive `switch`, so a new case does not compile until every
/// column says what it means for it; the test `ActionTableTests` then walks every case through
/// each consumer (parsed, checked, written, decoded by the report, counted by the stats).
///
/// The raw value is the keyword of the language (`hide`) and the `type` of the action in decision
/// lines (`{"type":"hide",...}`). Cases are declared in the order the language reference lists
/// them; ``applied`` gives them in the order of a decision line.
public enum ActionKind: String, CaseIterable, Sendable {
    /// `hide ["reason"]`: remove the comment from public view.
    case hide
    /// `escalate TEAM [severity LEVEL] [once per PERIOD [per KEY]]`: alert a team.
    case escalate
    /// `reply TEMPLATE [cooldown PERIOD per KEY]`: answer in public with a template.
    case reply
    /// `flag QUEUE`: put the comment in a review queue.
    case flag
    /// `tag LABEL`: label the comment (in the decision's `tags`, not its actions).
    case tag
    /// `allow`: exempt the comment from every rule after this one.
    case allow

    /// The keyword that asks for the action, also its `type` in decision lines.
    public var keyword: String { rawValue }

    /// What the action takes after its keyword.
    public var argument: ActionArgument {
        switch self {
        case .hide: return .none
        case .escalate: return .team
        case .reply: return .template
        case .flag: return .queue
        case .tag: return .label
        case .allow: return .none
        }
    }

    /// Whether a test's `expect` may leave the argument out (`expect escalate` holds for any
    /// team); a tag is checked against the decision's labels, so `expect tag` needs one.
    public var argumentOptionalInExpectations: Bool {
        switch self {
        case .hide, .escalate, .reply, .flag, .allow: return true
        case .tag: return false
        }
    }

    /// The options written after the argument, in this order: reason, severity, once per, cooldown.
    public var options: ActionOptions {
        switch self {
        case .hide: return [.reason]
        case .escalate: return [.severity, .oncePer]
        case .reply: return [.cooldown]
        case .flag, .tag, .allow: return []
        }
    }

    /// How precedence merges the action with others of its kind in one comment's decision.
    public var merge: ActionMerge {
        switch self {
        case .hide: return .first
        case .escalate, .flag: return .perArgument
        case .reply: return .firstPublic
        case .tag: return .tags
        case .allow: return .exempts
        }
    }

    /// The action's place in a decision line's `actions` (0 first); nil for `tag`, whose labels
    /// go to `tags`. The ranks of the applied actions are 0, 1, 2, ... without gaps.
    public var rank: Int? {
        switch self {
        case .hide: return 0
        case .escalate: return 1
        case .flag: return 2
        case .reply: return 3
        case .allow: return 4
        case .tag: return nil
        }
    }

    /// Whether the action is applied as such (listed in a decision's `actions`, counted by
    /// `run --stats` and reports), rather than collected into `tags`.
    public var isApplied: Bool { rank != nil }

    /// Whether a comment with this action counts as "acted on" (reports' "with an action",
    /// the `any` row of `vigie eval`): every applied action but `allow`.
    public var actsOn: Bool {
        switch self {
        case .hide, .escalate, .flag, .reply: return true
        case .tag, .allow: return false
        }
    }

    /// The past participle that reports use for a count of these actions ("12 hidden").
    public var label: String {
        switch self {
        case .hide: return "hidden"
        case .escalate: return "escalated"
        case .reply: return "replied"
        case .flag: return "flagged"
        case .tag: return "tagged"
        case .allow: return "allowed"
        }
    }

    /// The third person of the keyword, in the reasons precedence gives ("rule R replies first").
    public var verb: String {
        switch self {
        case .hide: return "hides"
        case .escalate: return "escalates"
        case .reply: return "replies"
        case .flag: return "flags"
        case .tag: return "tags"
        case .allow: return "allows"
        }
    }

    /// The applied actions in the order of a decision line (by ``rank``): the columns of
    /// `run --stats` and of reports.
    public static let applied: [ActionKind] = allCases.filter(\.isApplied).sorted { $0.rank! < $1.rank! }

    /// The keywords of ``applied``, as bytes, for decoding decision lines.
    private static let appliedKeywords: [[UInt8]] = applied.map { Array($0.keyword.utf8) }

    /// The applied action whose keyword is `bytes` (a decision line's `type`), or nil: another
    /// word, or `tag`, which decision lines only carry under `shadow` and `dropped`.
    public static func applied(named bytes: ArraySlice<UInt8>) -> ActionKind? {
        let keywords = appliedKeywords
        for i in keywords.indices where keywords[i].count == bytes.count && keywords[i].elementsEqual(bytes) { return applied[i] }
        return nil
    }

    /// Every key under which a decision line carries an action's argument or reason
    /// (`team`, `template`, `queue`, `label`, `reason`).
    public static let argumentFields: [String] = {
        var out: [String] = []
        for k in allCases {
            if let f = k.argument.field?.description, !out.contains(f) { out.append(f) }
            if k.options.contains(.reason), !out.contains(ActionOptions.reasonField.description) { out.append(ActionOptions.reasonField.description) }
        }
        return out
    }()
}

/// What an action takes after its keyword: a name, or nothing.
public enum ActionArgument: String, CaseIterable, Sendable {
    /// Nothing (`allow`; `hide` takes an optional reason, an option).
    case none
    /// A team to alert (`escalate juridique`).
    case team
    /// A declared template (`reply excuses`); the checker resolves it.
    case template
    /// A review queue (`flag moderation`).
    case queue
    /// A label (`tag sav`).
    case label

    /// The key of the argument in decision lines (`"team":"juridique"`); nil for ``none``. A
    /// compile-time string, which ``JSONWriter/rawKey(_:)`` copies without escaping.
    public var field: StaticString? {
        switch self {
        case .none: return nil
        case .team: return "team"
        case .template: return "template"
        case .queue: return "queue"
        case .label: return "label"
        }
    }

    /// How diagnostics name the argument ("expected a team name after `escalate`"); nil for ``none``.
    public var noun: String? {
        switch self {
        case .none: return nil
        case .team: return "a team name"
        case .template: return "a template name"
        case .queue: return "a queue name"
        case .label: return "a label"
        }
    }

    /// A sample argument for help texts (`escalate juridique`); nil for ``none``.
    public var example: String? {
        switch self {
        case .none: return nil
        case .team: return "juridique"
        case .template: return "excuses"
        case .queue: return "moderation"
        case .label: return "sav"
        }
    }
}

/// The options an action accepts after its argument.
public struct ActionOptions: OptionSet, Sendable {
    /// One bit per option.
    public let rawValue: UInt8
    /// Creates a set of options.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `"reason"`: a string, written to decision lines as `reason`.
    public static let reason = ActionOptions(rawValue: 1 << 0)
    /// `severity LEVEL` (low, normal, high, critical; normal when left out), written as `severity`.
    public static let severity = ActionOptions(rawValue: 1 << 1)
    /// `once per PERIOD [per KEY]`: at most one such action per period (rules only, not `expect`).
    public static let oncePer = ActionOptions(rawValue: 1 << 2)
    /// `cooldown PERIOD per KEY`: at most one such action per key and period (rules only).
    public static let cooldown = ActionOptions(rawValue: 1 << 3)

    /// The key of the reason in decision lines.
    public static let reasonField: StaticString = "reason"
}

/// How precedence merges an action with the others of its kind in one comment's decision
/// (rules in evaluation order: priority, then declaration order).
public enum ActionMerge: Sendable {
    /// One per comment, from the first rule that asks; later rules add their name to its `rules`.
    case first
    /// One per argument (per team, per queue); later rules add their name; with a severity,
    /// the highest wins and its rule becomes the action's `rule`.
    case perArgument
    /// One per comment, from the first rule that asks; the others are dropped, and so is the
    /// first when the comment is hidden (a public answer to a hidden comment).
    case firstPublic
    /// Collected into the decision's sorted `tags`, not its actions.
    case tags
    /// The first is kept and exempts every later rule from all its actions (its own rule's
    /// tags still apply).
    case exempts
}
