import VigieCore
import VigieLanguage

/// How a rule set's state is keyed, for running it split across machines (`vigie plan`).
///
/// The state stage (``StateStage``) keeps windows, `repeats`, `once per` and cooldowns, each
/// under a key: a field of the comment (`by author`, `per author`) or one key for every comment
/// (global). A comment's decision depends only on the earlier comments with the same key, so
/// comments split by that field and read in time order within each part get the decisions one
/// process gives over the whole stream. The plan lists every rule's state and says how to split:
/// ``Partitioning``.
public struct StatePlan: Sendable, Equatable {
    /// One piece of state a rule reads or writes.
    public struct Use: Sendable, Equatable {
        /// What keeps it.
        public enum Kind: String, Sendable {
            /// `count(…, window W [by KEY])`.
            case window
            /// `repeats(window W [by KEY])`.
            case repeats
            /// `once per W [per KEY]` on an action.
            case oncePer = "once_per"
            /// `cooldown W [per KEY]` on an action.
            case cooldown
        }

        /// What keeps it.
        public var kind: Kind
        /// The key's dotted field path, or nil for one global key.
        public var key: String?
        /// The window or period, in seconds.
        public var seconds: Double
    }

    /// One rule of the rule set and the state it uses (none: the rule is stateless).
    public struct Rule: Sendable, Equatable {
        /// The rule's name.
        public var name: String
        /// Its state, in the order written (windows of rules it refers to included).
        public var state: [Use]
    }

    /// How comments may be split across workers so that every decision stays exact.
    public enum Partitioning: Sendable, Equatable {
        /// No rule uses state: any split works.
        case any
        /// Every piece of state is keyed by this one field: split by it, in time order within each part.
        case byKey(String)
        /// Some state is global, or keyed by more than one field: one part, in time order.
        /// `reason` says which rules force it.
        case single(reason: String)
    }

    /// The rules in evaluation order.
    public var rules: [Rule]
    /// How to split the comments.
    public var partitioning: Partitioning
    /// The rules version (`rules_version` of `vigie run`'s lines).
    public var rulesVersion: String

    /// The plan of `program`: the state each rule reaches through its condition (windows and
    /// `repeats`, through `rule NAME` references too) and its actions (`once per`, cooldowns).
    public init(program: Program) {
        rulesVersion = program.ruleSet.version
        func path(_ key: Int32) -> String? { key < 0 ? nil : program.keyPaths[Int(key)].joined(separator: ".") }
        var out: [Rule] = []
        for r in program.rules {
            var uses: [Use] = []
            var seen = Set<Int32>()
            func walk(_ n: Int32) {
                guard seen.insert(n).inserted, program.nodeStateful[Int(n)] else { return }
                switch program.nodes[Int(n)] {
                case .and(let kids), .or(let kids): kids.forEach(walk)
                case .not(let k): walk(k)
                case .rule(let i): walk(program.rules[Int(i)].condition)
                case .window(let cond, let seconds, let key, _, _):
                    uses.append(Use(kind: .window, key: path(key), seconds: seconds))
                    walk(cond)
                case .repeats(let seconds, let key, _, _):
                    uses.append(Use(kind: .repeats, key: path(key), seconds: seconds))
                default: break
                }
            }
            walk(r.condition)
            for a in r.actions {
                if let p = a.oncePer { uses.append(Use(kind: .oncePer, key: path(a.oncePerKey), seconds: p)) }
                if let c = a.cooldown { uses.append(Use(kind: .cooldown, key: path(a.cooldownKey), seconds: c)) }
            }
            out.append(Rule(name: r.name, state: uses))
        }
        rules = out
        let stateful = out.filter { !$0.state.isEmpty }
        let global = stateful.filter { $0.state.contains { $0.key == nil } }.map(\.name)
        var keys: [String] = []
        for r in stateful { for u in r.state { if let k = u.key, !keys.contains(k) { keys.append(k) } } }
        if stateful.isEmpty {
            partitioning = .any
        } else if !global.isEmpty {
            let names = global.prefix(5).map { "`\($0)`" }.joined(separator: ", ") + (global.count > 5 ? ", …" : "")
            partitioning = .single(reason: "rule\(global.count == 1 ? "" : "s") \(names) keep\(global.count == 1 ? "s" : "") global state (a window, `repeats`, `once per` or cooldown without `by`/`per`): every comment may change it")
        } else if keys.count > 1 {
            let users = keys.map { k in "`\(k)` (\(stateful.first { $0.state.contains { $0.key == k } }!.name))" }
            partitioning = .single(reason: "state is keyed by more than one field: \(users.joined(separator: ", ")); no one split keeps both exact")
        } else {
            partitioning = .byKey(keys[0])
        }
    }

    /// The plan as one JSON object: `rules_version`, `partitioning` (`mode`: `any`, `key` or
    /// `single`; `key`: the field; `reason`), and `rules` (each with `name`, `stateful` and
    /// `state`: `kind`, `key` (null: global), `seconds`, `window`).
    public var json: String {
        var w = JSONWriter()
        w.beginObject()
        w.key("rules_version")
        w.string(rulesVersion)
        w.key("partitioning")
        w.beginObject()
        w.key("mode")
        switch partitioning {
        case .any:
            w.string("any")
        case .byKey(let k):
            w.string("key")
            w.key("key")
            w.string(k)
        case .single(let reason):
            w.string("single")
            w.key("reason")
            w.string(reason)
        }
        w.endObject()
        w.key("rules")
        w.beginArray()
        for r in rules {
            w.beginObject()
            w.key("name")
            w.string(r.name)
            w.key("stateful")
            w.bool(!r.state.isEmpty)
            w.key("state")
            w.beginArray()
            for u in r.state {
                w.beginObject()
                w.key("kind")
                w.string(u.kind.rawValue)
                w.key("key")
                if let k = u.key { w.string(k) } else { w.null() }
                w.key("seconds")
                w.number(u.seconds)
                w.key("window")
                w.string(formatDuration(u.seconds))
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.string + "\n"
    }

    /// The plan for people: the split, then one line per stateful rule, then the stateless count.
    public var text: String {
        var s: String
        switch partitioning {
        case .any: s = "partitioning: any (no rule keeps state)\n"
        case .byKey(let k): s = "partitioning: by `\(k)`, in time order within each part\n"
        case .single(let reason): s = "partitioning: one part, in time order — \(reason)\n"
        }
        let stateless = rules.filter { $0.state.isEmpty }.count
        for r in rules where !r.state.isEmpty {
            let uses = r.state.map { u -> String in
                let what: String
                switch u.kind {
                case .window: what = "window"
                case .repeats: what = "repeats"
                case .oncePer: what = "once per"
                case .cooldown: what = "cooldown"
                }
                return "\(what) \(formatDuration(u.seconds)) \(u.key.map { "per \($0)" } ?? "global")"
            }
            s += "  \(r.name): \(uses.joined(separator: ", "))\n"
        }
        s += "\(stateless) stateless rule\(stateless == 1 ? "" : "s")\n"
        return s
    }
}
