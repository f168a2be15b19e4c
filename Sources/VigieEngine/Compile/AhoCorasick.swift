import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// A multi-pattern byte automaton (Aho-Corasick).
///
/// Every text atom of every rule is one pattern; one pass over a comment's normalized bytes
/// reports every occurrence of every pattern. Two layouts:
/// - **dense** (the usual case): a full DFA over byte classes — bytes that occur in no pattern
///   share one class — so each input byte costs one table load. The table is kept by class
///   (column-major): a byte's class is read as the offset of its column, so the next entry is
///   at that offset plus the current state, with no multiply or shift; states are numbered
///   breadth first, so the root and the shallow states most bytes go through are the first
///   entries of every column, a few cache lines in all. Entries are two bytes when there are
///   fewer than 32,768 states (half the cache a four-byte table needs), else four;
/// - **sparse**, when the dense table would exceed ``denseLimit`` entries (lists of hundreds of
///   thousands of terms): a trie with sibling lists and failure links, a few loads per byte, in
///   memory proportional to the total length of the patterns.
///
/// Patterns are distinct, so at most one ends at each state; `outLink` chains a state to the
/// next state on its failure path where a pattern ends.
///
/// The dense table and the byte classes live in memory the automaton owns (not arrays), so the
/// walk reads them with no reference counting; nothing changes once it is built, hence
/// `@unchecked Sendable`.
public final class AhoCorasick: @unchecked Sendable {
    /// Largest dense table, in entries (4 bytes each).
    public static let denseLimit = 24 << 20

    /// Each byte's class (0: in no pattern).
    package let classes: UnsafeBufferPointer<UInt8>
    package let classCount: Int
    /// Dense transitions, both empty in sparse mode and one of them otherwise:
    /// `table[classOffsets[byte] + state]` is the target state, with the top bit set when the
    /// target reports — one load per byte tells both where to go and whether anything ends there.
    /// Dense only: each byte's class times the number of states (where its column starts).
    package let classOffsets: UnsafeBufferPointer<Int32>
    package let table16: UnsafeBufferPointer<UInt16>
    package let table32: UnsafeBufferPointer<UInt32>
    /// Sparse trie: per state its first child and next sibling, and the class of its edge.
    package let firstChild: [Int32]
    package let sibling: [Int32]
    package let label: [UInt8]
    package let fail: [Int32]
    /// Pattern ending at each state (-1: none), and the next state with an output on the failure path.
    package let output: [Int32]
    package let outLink: [Int32]
    /// Whether a state or any state on its failure path ends a pattern.
    package let reports: [Bool]
    /// Length of each pattern.
    public let patternLengths: [Int32]
    /// Length of the longest pattern.
    package let maxLength: Int
    /// Whether the automaton uses the dense table.
    public var isDense: Bool { !table16.isEmpty || !table32.isEmpty || output.count <= 1 }

    /// Number of states.
    public var stateCount: Int { output.count }

    /// Builds the automaton for `patterns` (pattern `k` is reported as `k`). Empty and repeated
    /// patterns are ignored.
    public convenience init(patterns: [[UInt8]]) { self.init(patterns: patterns, denseLimit: AhoCorasick.denseLimit) }

    /// Builds the automaton, dense only when it fits in `denseLimit` table entries.
    package init(patterns: [[UInt8]], denseLimit: Int) {
        var used = [Bool](repeating: false, count: 256)
        for p in patterns { for b in p { used[Int(b)] = true } }
        var classOf = [UInt8](repeating: 0, count: 256)
        var n = 1
        for b in 0..<256 where used[b] {
            classOf[b] = UInt8(n)
            n += 1
        }
        self.classes = AhoCorasick.owned(classOf)
        self.classCount = n
        // Rows of a power of two while the dense table is built (``denseLimit`` counts those).
        var shift = 0
        while 1 << shift < n { shift += 1 }
        patternLengths = patterns.map { Int32($0.count) }
        maxLength = Int(patternLengths.max() ?? 0)

        // The trie, as sibling lists (memory in proportion to the patterns).
        var firstChild: [Int32] = [-1]
        var sibling: [Int32] = [-1]
        var label: [UInt8] = [0]
        var output: [Int32] = [-1]
        func child(_ s: Int, _ c: UInt8) -> Int32 {
            var k = firstChild[s]
            while k >= 0 {
                if label[Int(k)] == c { return k }
                k = sibling[Int(k)]
            }
            return -1
        }
        for (k, p) in patterns.enumerated() where !p.isEmpty {
            var s = 0
            for b in p {
                let c = classOf[Int(b)]
                var t = child(s, c)
                if t < 0 {
                    t = Int32(firstChild.count)
                    firstChild.append(-1)
                    sibling.append(firstChild[s])
                    label.append(c)
                    output.append(-1)
                    firstChild[s] = t
                }
                s = Int(t)
            }
            if output[s] < 0 { output[s] = Int32(k) }
        }
        let states = output.count
        // Failure links, breadth first.
        var fail = [Int32](repeating: 0, count: states)
        var order: [Int32] = []
        order.reserveCapacity(states)
        var k = firstChild[0]
        while k >= 0 {
            order.append(k)
            k = sibling[Int(k)]
        }
        var head = 0
        while head < order.count {
            let s = Int(order[head])
            head += 1
            var c = firstChild[s]
            while c >= 0 {
                let ci = Int(c)
                order.append(c)
                var f = Int(fail[s])
                var target: Int32 = -1
                while true {
                    let t = child(f, label[ci])
                    if t >= 0, Int(t) != ci {
                        target = t
                        break
                    }
                    if f == 0 { break }
                    f = Int(fail[f])
                }
                fail[ci] = target < 0 ? 0 : target
                c = sibling[ci]
            }
        }
        var outLink = [Int32](repeating: -1, count: states)
        var reports = [Bool](repeating: false, count: states)
        for s in order {
            let f = Int(fail[Int(s)])
            outLink[Int(s)] = output[f] >= 0 ? Int32(f) : outLink[f]
            reports[Int(s)] = output[Int(s)] >= 0 || outLink[Int(s)] >= 0
        }
        if states << shift <= denseLimit {
            // States are numbered breadth first, so the root and the shallow states that most
            // bytes of a text go through share a few cache lines.
            var renumber = [Int32](repeating: 0, count: states)
            for (k, st) in order.enumerated() { renumber[Int(st)] = Int32(k + 1) }
            var newOutput = [Int32](repeating: -1, count: states)
            var newOutLink = [Int32](repeating: -1, count: states)
            var newReports = [Bool](repeating: false, count: states)
            var newFail = [Int32](repeating: 0, count: states)
            for old in 0..<states {
                let st = Int(renumber[old])
                newOutput[st] = output[old]
                newOutLink[st] = outLink[old] >= 0 ? renumber[Int(outLink[old])] : -1
                newReports[st] = reports[old]
                newFail[st] = renumber[Int(fail[old])]
            }
            // The full DFA, built in breadth-first order (the new numbering): δ(s, c) = child if
            // any, else δ(fail(s), c), whose row is already complete; the root loops on itself.
            let width = 1 << shift
            var table = [UInt32](repeating: 0, count: states << shift)
            table.withUnsafeMutableBufferPointer { t in
                func entry(_ oldTarget: Int32) -> UInt32 {
                    let st = Int(renumber[Int(oldTarget)])
                    return UInt32(st) | (newReports[st] ? 0x8000_0000 : 0)
                }
                var c = firstChild[0]
                while c >= 0 {
                    t[Int(label[Int(c)])] = entry(c)
                    c = sibling[Int(c)]
                }
                for s in order {
                    let si = Int(s)
                    let base = Int(renumber[si]) << shift
                    let fbase = Int(renumber[Int(fail[si])]) << shift
                    for x in 0..<width { t[base + x] = t[fbase + x] }
                    var c = firstChild[si]
                    while c >= 0 {
                        t[base + Int(label[Int(c)])] = entry(c)
                        c = sibling[Int(c)]
                    }
                }
            }
            // By class: column `c` holds every state's target on class `c`.
            var columns = [UInt32](repeating: 0, count: states * n)
            for st in 0..<states {
                for c in 0..<n { columns[c * states + st] = table[st << shift + c] }
            }
            classOffsets = AhoCorasick.owned(classOf.map { Int32(Int($0) * states) })
            if states < 0x8000 {
                table16 = AhoCorasick.owned(columns.map { UInt16(truncatingIfNeeded: $0 >> 16) & 0x8000 | UInt16(truncatingIfNeeded: $0 & 0x7FFF) })
                table32 = AhoCorasick.owned([])
            } else {
                table16 = AhoCorasick.owned([])
                table32 = AhoCorasick.owned(columns)
            }
            self.fail = newFail
            self.output = newOutput
            self.outLink = newOutLink
            self.reports = newReports
            self.firstChild = []
            self.sibling = []
            self.label = []
        } else {
            self.fail = fail
            self.output = output
            self.outLink = outLink
            self.reports = reports
            self.table16 = AhoCorasick.owned([])
            self.table32 = AhoCorasick.owned([])
            self.classOffsets = AhoCorasick.owned([])
            self.firstChild = firstChild
            self.sibling = sibling
            self.label = label
        }
    }

    deinit {
        for p in [UnsafeRawPointer(classes.baseAddress), UnsafeRawPointer(table16.baseAddress), UnsafeRawPointer(table32.baseAddress),
                  UnsafeRawPointer(classOffsets.baseAddress)] {
            p.map { UnsafeMutableRawPointer(mutating: $0).deallocate() }
        }
    }

    /// A copy of `values` in memory the automaton owns (freed by `deinit`).
    package static func owned<T>(_ values: [T]) -> UnsafeBufferPointer<T> {
        guard !values.isEmpty else { return UnsafeBufferPointer(start: nil, count: 0) }
        let p = UnsafeMutablePointer<T>.allocate(capacity: values.count)
        p.initialize(from: values, count: values.count)
        return UnsafeBufferPointer(start: p, count: values.count)
    }

    /// Scans `text` and calls `report(pattern, end)` for every occurrence (end is exclusive).
    @inline(__always)
    public func scan(_ text: UnsafeBufferPointer<UInt8>, _ report: (Int32, Int) -> Void) {
        guard stateCount > 1 else { return }
        if table16.isEmpty && table32.isEmpty {
            scanSparse(text, report)
            return
        }
        guard text.count <= AhoCorasick.walkLimit else {
            // Long texts: one walk reporting as it goes (the kept steps would take 8 bytes per byte).
            func walkAll<E: DenseEntry>(_ nx: UnsafeBufferPointer<E>) {
                let offsets = classOffsets
                var state = 0
                for i in 0..<text.count {
                    let e = nx[Int(offsets[Int(text[i])]) &+ state]
                    state = Int(truncatingIfNeeded: e & ~E.reportBit)
                    if e & E.reportBit != 0 { emit(state, i &+ 1, report) }
                }
            }
            if table16.isEmpty { walkAll(table32) } else { walkAll(table16) }
            return
        }
        var steps = RawVec<Int64>(capacity: 64)
        let w = walk(text, &steps)
        reportSteps(steps, w, report)
    }

    /// Longest text ``walk(_:_:)`` takes.
    package static let walkLimit = 8192

    /// How ``walk(_:_:)`` split a text: walk `w` started at `starts[w]`, kept `counts[w]`
    /// steps from `w * region`, and reports only what ends after `skips[w]`.
    package struct Walks {
        package var count = 0
        package var region = 0
        package var starts = SIMD4<Int>()
        package var counts = SIMD4<Int>()
        package var skips = SIMD4<Int>()
    }

    /// The dense walk over `text` (at most ``walkLimit`` bytes): keeps in `steps`, for every
    /// step that lands where a pattern ends, the target state and the end offset from the
    /// walk's start (`state << 16 | end`). Only for the dense layout.
    ///
    /// Each step's load depends on the one before, so one walk waits on memory at every byte.
    /// Up to four walks over consecutive pieces of the text interleave and wait together; each
    /// but the first starts `maxLength - 1` bytes early, so it is in the right state where its
    /// piece begins (no pattern is longer), and what it reports before that repeats the walk
    /// before it. A step that reports is rare (a comment of a few hundred bytes has well under
    /// one on average with a thousand rules), so the branch that keeps it is nearly always
    /// predicted; emitting outputs waits until the walk is done, which keeps the loop's
    /// variables in registers.
    package func walk(_ text: UnsafeBufferPointer<UInt8>, _ steps: inout RawVec<Int64>) -> Walks {
        if !table16.isEmpty { return walk(text, &steps, table16) }
        if !table32.isEmpty { return walk(text, &steps, table32) }
        return Walks()
    }

    /// ``walk(_:_:)`` over one of the tables.
    package func walk<E: DenseEntry>(_ text: UnsafeBufferPointer<UInt8>, _ steps: inout RawVec<Int64>, _ table: UnsafeBufferPointer<E>) -> Walks {
        let n = text.count
        var w = Walks()
        guard n > 0, let t = text.baseAddress, let nx = table.baseAddress else { return w }
        let overlap = max(0, maxLength - 1)
        // Four walks when the overlap is small next to the pieces, else two, else one.
        let k = n >= 128 && n >= 8 * overlap ? 4 : n >= 64 && n / 2 > overlap ? 2 : 1
        let length = (n + (k - 1) * overlap + k - 1) / k
        w.count = k
        w.region = length
        for i in 0..<k {
            w.starts[i] = min(i * (length - overlap), n - length)
            w.skips[i] = i == 0 ? 0 : w.starts[i - 1] + length
        }
        steps.removeAll()
        // Four walks keep their steps in one list after the regions (one pointer instead of four
        // keeps the loop's variables in registers; every step may report, so it has room for the
        // four), each step tagged with its walk, and move them to their regions afterwards.
        let out = steps.tail(room: k == 4 ? 8 * w.region : k * w.region)
        /// One step from state `r` on the byte whose column starts at `c`, keeping it at `p` if it reports.
        @inline(__always) func step(_ r: inout Int, _ c: Int32, _ p: inout UnsafeMutablePointer<Int64>, _ end: Int) {
            let e = nx[Int(c) &+ r]
            r = Int(truncatingIfNeeded: e & ~E.reportBit)
            if e & E.reportBit != 0 {
                p.pointee = Int64(r) &<< 16 | Int64(end)
                p += 1
            }
        }
        let cls = classOffsets.baseAddress!
        switch k {
        case 4:
            let d1 = w.starts[1], d2 = w.starts[2], d3 = w.starts[3]
            let shared = out + 4 * w.region
            var p = shared
            var r0 = 0, r1 = 0, r2 = 0, r3 = 0
            // A pointer into the first walk's piece; where a step ends is worked out only when it
            // reports (rare).
            var q = t
            let qEnd = t + length
            while q < qEnd {
                let end = t.distance(to: q) &+ 1
                step(&r0, cls[Int(q[0])], &p, end)
                step(&r1, cls[Int(q[d1])], &p, end | 1 &<< 56)
                step(&r2, cls[Int(q[d2])], &p, end | 2 &<< 56)
                step(&r3, cls[Int(q[d3])], &p, end | 3 &<< 56)
                q += 1
            }
            // Each walk's steps to its region, in order, without the tag.
            var counts = SIMD4<Int>()
            var x = shared
            while x < p {
                let walk = Int(x.pointee &>> 56)
                out[walk &* w.region &+ counts[walk]] = x.pointee & (1 &<< 56 &- 1)
                counts[walk] &+= 1
                x += 1
            }
            w.counts = counts
        case 2:
            let d1 = w.starts[1]
            var p0 = out, p1 = out + w.region
            var r0 = 0, r1 = 0
            for j in 0..<length {
                step(&r0, cls[Int(t[j])], &p0, j &+ 1)
                step(&r1, cls[Int(t[j &+ d1])], &p1, j &+ 1)
            }
            w.counts = SIMD4(out.distance(to: p0), (out + w.region).distance(to: p1), 0, 0)
        default:
            var p = out
            var r = 0
            for j in 0..<n { step(&r, cls[Int(t[j])], &p, j &+ 1) }
            w.counts = SIMD4(out.distance(to: p), 0, 0, 0)
        }
        return w
    }

    /// Reports the patterns of the steps ``walk(_:_:)`` kept, in text order.
    @inline(__always) package func reportSteps(_ steps: borrowing RawVec<Int64>, _ w: Walks, _ report: (Int32, Int) -> Void) {
        for i in 0..<w.count {
            let base = i * w.region
            let start = w.starts[i], skip = w.skips[i]
            for k in 0..<w.counts[i] {
                let x = steps[base &+ k]
                let end = start &+ Int(x & 0xFFFF)
                if end > skip { emit(Int(x &>> 16), end, report) }
            }
        }
    }

    @inline(__always) package func emit(_ state: Int, _ end: Int, _ report: (Int32, Int) -> Void) {
        var t = output[state] >= 0 ? state : Int(outLink[state])
        while t >= 0 {
            report(output[t], end)
            t = Int(outLink[t])
        }
    }

    package func scanSparse(_ text: UnsafeBufferPointer<UInt8>, _ report: (Int32, Int) -> Void) {
        var s = 0
        for i in 0..<text.count {
            let c = classes[Int(text[i])]
            if c == 0 {
                s = 0
                continue
            }
            while true {
                var k = firstChild[s]
                while k >= 0, label[Int(k)] != c { k = sibling[Int(k)] }
                if k >= 0 {
                    s = Int(k)
                    break
                }
                if s == 0 { break }
                s = Int(fail[s])
            }
            if reports[s] { emit(s, i &+ 1, report) }
        }
    }
}

/// An entry of the dense table: a target state, with ``reportBit`` set when it reports.
package protocol DenseEntry: FixedWidthInteger, UnsignedInteger {
    static var reportBit: Self { get }
}

extension UInt16: DenseEntry {
    package static var reportBit: UInt16 { 0x8000 }
}

extension UInt32: DenseEntry {
    package static var reportBit: UInt32 { 0x8000_0000 }
}
