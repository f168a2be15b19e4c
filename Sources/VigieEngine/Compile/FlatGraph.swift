import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// The condition graph laid out in flat arrays for the evaluator's inner loop.
///
/// ``Program/nodes`` is an enum whose cases carry arrays: switching on it retains and releases
/// them, which cost more than the logic itself. The nodes that nearly every comment evaluates —
/// `and`, `or`, `not`, rule references, terms on the main text, regexes on the main text — are
/// copied here into plain integer arrays; every other node keeps kind ``Kind/other`` and is
/// evaluated from the enum. Built once per program, read-only, shared by all workers.
package final class FlatGraph: @unchecked Sendable {
    /// How a node is evaluated.
    package enum Kind: UInt8 {
        /// Through ``Program/nodes`` (windows, comparisons, other fields, `near`, `count`, lists with `except`).
        case other
        case constantFalse, constantTrue
        /// `first`/`count` index children in ``list``.
        case and, or
        /// `first` is the child.
        case not
        /// `first` is the rule index.
        case rule
        /// Terms on the main text without `except`; `first`/`count` index atoms in ``list``.
        case termsAny, termsAll
        /// A regex on the main text; `first` is the regex index.
        case regexText
    }

    /// The graph's arrays as raw pointers, in a plain struct: copying it, or reading through it,
    /// never touches a reference count (a class reference, even `unowned(unsafe)`, is retained
    /// when copied into a local). Valid as long as the graph lives; the evaluator keeps its
    /// program, which keeps the graph.
    package struct View {
        package let kind: UnsafeMutablePointer<Kind>
        package let first: UnsafeMutablePointer<Int32>
        package let count: UnsafeMutablePointer<Int32>
        /// Children and atoms of the nodes, gates, prefilters and wake-up lists, end to end.
        package let list: UnsafeMutablePointer<Int32>
        /// Per atom: its pattern, its operator (``TextOp`` as 0 has, 1 contains, 2 starts with,
        /// 3 ends with), and where its run lengths sit in ``runs``.
        package let atomPattern: UnsafeMutablePointer<Int32>
        package let atomOp: UnsafeMutablePointer<UInt8>
        package let atomRuns: UnsafeMutablePointer<Int32>
        package let runs: UnsafeMutablePointer<UInt8>
        /// Per pattern: its length in bytes.
        package let patternLength: UnsafeMutablePointer<Int32>
        /// Per rule: its condition, and its gate (patterns, one of which must fire) in ``list``,
        /// `gateCount` -1 when it has none.
        package let ruleCondition: UnsafeMutablePointer<Int32>
        package let gateFirst: UnsafeMutablePointer<Int32>
        package let gateCount: UnsafeMutablePointer<Int32>
        /// Per regex: its prefilter patterns in ``list`` (`prefilterCount` -1: always run).
        package let prefilterFirst: UnsafeMutablePointer<Int32>
        package let prefilterCount: UnsafeMutablePointer<Int32>
        /// Per pattern: the stateless rules it may wake up, in ``list``.
        package let wakeFirst: UnsafeMutablePointer<Int32>
        package let wakeCount: UnsafeMutablePointer<Int32>
        /// Stateless rules without a gate (evaluated on every comment), `ungatedCount` of them.
        package let ungated: UnsafeMutablePointer<Int32>
        package let ungatedCount: Int
    }

    /// The arrays (see ``View``).
    package let view: View
    private let allocations: [UnsafeMutableRawPointer]

    package static func opCode(_ op: TextOp) -> UInt8 {
        switch op {
        case .has: return 0
        case .contains: return 1
        case .startsWith: return 2
        case .endsWith: return 3
        }
    }

    package init(nodes: [Node], atoms: [Atom], patterns: [[UInt8]], rules: [CompiledRule], regexes: [CompiledRegex], patternRules: [[Int32]],
         ruleStateful: [Bool], ungatedRules: [Int32]) {
        var list: [Int32] = []
        var kinds: [Kind] = []
        var firsts: [Int32] = []
        var counts: [Int32] = []
        func add(_ k: Kind, _ items: [Int32]) {
            kinds.append(k)
            firsts.append(Int32(list.count))
            counts.append(Int32(items.count))
            list += items
        }
        for n in nodes {
            switch n {
            case .constant(let v): add(v ? .constantTrue : .constantFalse, [])
            case .and(let kids): add(.and, kids)
            case .or(let kids): add(.or, kids)
            case .not(let k):
                kinds.append(.not)
                firsts.append(k)
                counts.append(0)
            case .rule(let r):
                kinds.append(.rule)
                firsts.append(r)
                counts.append(0)
            case .terms(.text, _, let q, let atoms, let except) where except.isEmpty:
                add(q == .all ? .termsAll : .termsAny, atoms)
            case .regex(.text, let index):
                kinds.append(.regexText)
                firsts.append(index)
                counts.append(0)
            default:
                kinds.append(.other)
                firsts.append(0)
                counts.append(0)
            }
        }
        /// Appends optional lists to `list`: where each starts and how long it is (-1: none).
        func lay(_ lists: [[Int32]?]) -> (firsts: [Int32], counts: [Int32]) {
            var firsts: [Int32] = []
            var counts: [Int32] = []
            for l in lists {
                firsts.append(Int32(list.count))
                counts.append(l.map { Int32($0.count) } ?? -1)
                list += l ?? []
            }
            return (firsts, counts)
        }
        let (gateFirsts, gateCounts) = lay(rules.map(\.gate))
        let (preFirsts, preCounts) = lay(regexes.map(\.prefilter))
        let (wakeFirsts, wakeCounts) = lay(patternRules.map { rs in rs.filter { !ruleStateful[Int($0)] } })
        var runs: [UInt8] = []
        var atomRuns: [Int32] = []
        for a in atoms {
            atomRuns.append(Int32(runs.count))
            runs += a.runs
        }
        var owned: [UnsafeMutableRawPointer] = []
        func copy<T>(_ xs: [T]) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, xs.count))
            p.initialize(from: xs, count: xs.count)
            owned.append(UnsafeMutableRawPointer(p))
            return p
        }
        view = View(kind: copy(kinds), first: copy(firsts), count: copy(counts), list: copy(list), atomPattern: copy(atoms.map(\.pattern)),
                    atomOp: copy(atoms.map { FlatGraph.opCode($0.op) }), atomRuns: copy(atomRuns), runs: copy(runs),
                    patternLength: copy(patterns.map { Int32($0.count) }), ruleCondition: copy(rules.map(\.condition)), gateFirst: copy(gateFirsts),
                    gateCount: copy(gateCounts), prefilterFirst: copy(preFirsts), prefilterCount: copy(preCounts), wakeFirst: copy(wakeFirsts),
                    wakeCount: copy(wakeCounts), ungated: copy(ungatedRules), ungatedCount: ungatedRules.count)
        allocations = owned
    }

    deinit {
        for p in allocations { p.deallocate() }
    }
}
