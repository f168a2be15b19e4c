import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
/// An action in a comment's decision, with the rule it comes from.
public struct DecidedAction: Sendable, Equatable {
    /// hide, escalate, reply, flag, tag or allow.
    public var kind: ActionSyntax.Kind
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
    public func has(_ kind: ActionSyntax.Kind) -> Bool { actions.contains { $0.kind == kind } }
}

extension Decision {
    /// Applies Vigie's precedence to the matched rules, in evaluation order (priority, then
    /// declaration order):
    /// 1. `allow` exempts every rule after it from all its actions (its own tags still apply);
    /// 2. a hidden comment gets no public reply;
    /// 3. at most one reply per comment: the first in evaluation order;
    /// 4. escalations to the same team merge, keeping the highest severity;
    /// 5. flags to the same queue merge; the first `hide` gives the reason;
    /// 6. shadow rules are reported under `shadow`, never applied.
    package mutating func apply(_ matched: [Int32], of rules: [CompiledRule]) {
        var allowedBy: String?
        var hide: DecidedAction?
        var escalations: [DecidedAction] = []
        var flags: [DecidedAction] = []
        var replies: [DecidedAction] = []
        var allow: DecidedAction?
        var tagSet = Set<String>()
        for index in matched {
            // The fields one by one: copying a whole `CompiledRule` retains every one of them.
            let r = (name: rules[Int(index)].name, actions: rules[Int(index)].actions, shadow: rules[Int(index)].shadow)
            matchedRules.append(r.name)
            for a in r.actions {
                var d = DecidedAction(kind: a.kind, rule: r.name, rules: [r.name], reason: a.reason, argument: a.argument)
                if a.kind == .escalate { d.severity = Checker.severities[a.severity] }
                if r.shadow {
                    shadow.append(d)
                    continue
                }
                if let by = allowedBy {
                    dropped.append(DroppedAction(action: d, why: "exempted by `allow` in rule \(by)"))
                    continue
                }
                switch a.kind {
                case .hide:
                    if hide == nil { hide = d } else { hide!.rules.append(r.name) }
                case .escalate:
                    if let i = escalations.firstIndex(where: { $0.argument == d.argument }) {
                        escalations[i].rules.append(r.name)
                        let old = Checker.severities.firstIndex(of: escalations[i].severity ?? "normal") ?? 1
                        if a.severity > old {
                            escalations[i].severity = d.severity
                            escalations[i].rule = r.name
                        }
                    } else {
                        escalations.append(d)
                    }
                case .flag:
                    if let i = flags.firstIndex(where: { $0.argument == d.argument }) { flags[i].rules.append(r.name) } else { flags.append(d) }
                case .reply: replies.append(d)
                case .tag: tagSet.insert(a.argument ?? "")
                case .allow:
                    if allow == nil { allow = d }
                }
            }
            if !r.shadow, allowedBy == nil, r.actions.contains(where: { $0.kind == .allow }) { allowedBy = r.name }
        }
        if let hide { actions.append(hide) }
        actions += escalations
        actions += flags
        for (i, reply) in replies.enumerated() {
            if hide != nil {
                dropped.append(DroppedAction(action: reply, why: "the comment is hidden (rule \(hide!.rule)): no public reply"))
            } else if i > 0 {
                dropped.append(DroppedAction(action: reply, why: "one reply per comment: rule \(replies[0].rule) replies first"))
            } else {
                actions.append(reply)
            }
        }
        if let allow { actions.append(allow) }
        tags = tagSet.sorted()
    }
}
