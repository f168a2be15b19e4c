import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// An action in a comment's decision, with the rule it comes from.
public struct DecidedAction: Sendable, Equatable {
    /// hide, escalate, reply, flag, tag or allow.
    public var kind: ActionKind
    /// The rule that asked for it (for merged escalations, the one with the highest severity).
    public var rule: String
    /// Every rule that asked for it (merged escalations, repeated flags).
    public var rules: [String]
    /// `hide` reason.
    public var reason: String?
    /// Team (escalate), template (reply), queue (flag) or label (tag).
    public var argument: String?
    /// Escalation severity name.
    public var severity: String?
    /// The rendered reply.
    public var text: String?
    /// Which variant of the template was used (0-based).
    public var variant: Int?
    /// For escalations of windowed rules: the count in the window, and the window.
    public var count: Int?
    public var window: String?
}

/// An action that a rule asked for but precedence removed.
public struct DroppedAction: Sendable, Equatable {
    /// The action.
    public var action: DecidedAction
    /// Why it was dropped, in words.
    public var why: String
}

/// Everything Vigie decided for one comment.
public struct Decision: Sendable {
    /// The comment's language (given or detected).
    public var lang: String = ""
    /// Whether the language was detected (not given by the input).
    public var langDetected = false
    /// Applied actions, in a stable order: hide, escalations, flags, reply, allow.
    public var actions: [DecidedAction] = []
    /// Tags of the matched rules, sorted.
    public var tags: [String] = []
    /// Rules whose condition held, in evaluation order.
    public var matchedRules: [String] = []
    /// What shadow rules would have done.
    public var shadow: [DecidedAction] = []
    /// What precedence removed, and why.
    public var dropped: [DroppedAction] = []
    /// Problems met while evaluating (a regex cut off by its match limit, ...).
    public var warnings: [String] = []

    /// Creates an empty decision.
    public init() {}

    /// Whether an action of this kind was applied.
    public func has(_ kind: ActionKind) -> Bool { actions.contains { $0.kind == kind } }
}

extension Decision {
    /// Applies Vigie's precedence to the matched rules, in evaluation order (priority, then
    /// declaration order), each action as its ``ActionKind/merge`` says:
    /// 1. `allow` exempts every rule after it from all its actions (its own tags still apply);
    /// 2. a hidden comment gets no public reply;
    /// 3. at most one reply per comment: the first in evaluation order;
    /// 4. escalations to the same team merge, keeping the highest severity;
    /// 5. flags to the same queue merge; the first `hide` gives the reason;
    /// 6. shadow rules are reported under `shadow`, never applied.
    /// Applied actions come out in the order of ``ActionKind/rank``, first asked first within a kind.
    package mutating func apply(_ matched: [Int32], of rules: [CompiledRule]) {
        var allowedBy: String?
        var applied: [DecidedAction] = []
        var publicOnes: [DecidedAction] = []
        var tagSet = Set<String>()
        for index in matched {
            // The fields one by one: copying a whole `CompiledRule` retains every one of them.
            let r = (name: rules[Int(index)].name, actions: rules[Int(index)].actions, shadow: rules[Int(index)].shadow)
            matchedRules.append(r.name)
            var exempts = false
            for a in r.actions {
                var d = DecidedAction(kind: a.kind, rule: r.name, rules: [r.name], reason: a.reason, argument: a.argument)
                let options = a.kind.options
                if options.contains(.severity) { d.severity = Checker.severities[a.severity] }
                if r.shadow {
                    shadow.append(d)
                    continue
                }
                if let by = allowedBy {
                    dropped.append(DroppedAction(action: d, why: "exempted by `allow` in rule \(by)"))
                    continue
                }
                switch a.kind.merge {
                case .first:
                    if let i = applied.firstIndex(where: { $0.kind == a.kind }) { applied[i].rules.append(r.name) } else { Decision.place(d, in: &applied) }
                case .perArgument:
                    if let i = applied.firstIndex(where: { $0.kind == a.kind && $0.argument == d.argument }) {
                        applied[i].rules.append(r.name)
                        if options.contains(.severity) {
                            let old = Checker.severities.firstIndex(of: applied[i].severity ?? "normal") ?? 1
                            if a.severity > old {
                                applied[i].severity = d.severity
                                applied[i].rule = r.name
                            }
                        }
                    } else {
                        Decision.place(d, in: &applied)
                    }
                case .firstPublic: publicOnes.append(d)
                case .tags: tagSet.insert(a.argument ?? "")
                case .exempts:
                    exempts = true
                    if !applied.contains(where: { $0.kind == a.kind }) { Decision.place(d, in: &applied) }
                }
            }
            if exempts, allowedBy == nil { allowedBy = r.name }
        }
        let hide = applied.first { $0.kind == .hide }
        for (i, p) in publicOnes.enumerated() {
            if let hide {
                dropped.append(DroppedAction(action: p, why: "the comment is hidden (rule \(hide.rule)): no public \(p.kind.keyword)"))
            } else if let first = publicOnes[..<i].first(where: { $0.kind == p.kind }) {
                dropped.append(DroppedAction(action: p, why: "one \(p.kind.keyword) per comment: rule \(first.rule) \(p.kind.verb) first"))
            } else {
                Decision.place(p, in: &applied)
            }
        }
        actions += applied
        tags = tagSet.sorted()
    }

    /// Inserts `d` after the actions of its rank and of lower ranks.
    private static func place(_ d: DecidedAction, in list: inout [DecidedAction]) {
        let rank = d.kind.rank ?? 0
        if let last = list.last, (last.kind.rank ?? 0) > rank {
            list.insert(d, at: list.firstIndex { ($0.kind.rank ?? 0) > rank }!)
        } else {
            list.append(d)
        }
    }
}
