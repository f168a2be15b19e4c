/// A multi-pattern byte automaton (Aho-Corasick compiled to a dense DFA over byte classes).
///
/// Every text atom of every rule is one pattern; one pass over a comment's normalized bytes
/// reports every occurrence of every pattern. Bytes that occur in no pattern share one class, so
/// the transition table stays small (states × classes).
public struct AhoCorasick: Sendable {
    /// Byte → class.
    let classOf: [UInt8]
    /// Number of byte classes.
    let classCount: Int
    /// Dense transitions: `next[state * classCount + class]`.
    let next: [Int32]
    /// For each state, the range of `outputs` holding the patterns that end there.
    let outStart: [Int32]
    let outputs: [Int32]
    /// Length of each pattern.
    public let patternLengths: [Int32]

    /// Number of states.
    public var stateCount: Int { outStart.count - 1 }

    /// Builds the automaton for `patterns` (pattern `k` is reported as `k`). Empty patterns are ignored.
    public init(patterns: [[UInt8]]) {
        var used = [Bool](repeating: false, count: 256)
        for p in patterns { for b in p { used[Int(b)] = true } }
        var classOf = [UInt8](repeating: 0, count: 256)
        var n = 1
        for b in 0..<256 where used[b] {
            classOf[b] = UInt8(n)
            n += 1
        }
        precondition(n <= 256)
        self.classOf = classOf
        self.classCount = n
        patternLengths = patterns.map { Int32($0.count) }

        // Trie.
        var trie: [[Int32]] = [[Int32](repeating: -1, count: n)]
        var out: [[Int32]] = [[]]
        for (k, p) in patterns.enumerated() where !p.isEmpty {
            var s = 0
            for b in p {
                let c = Int(classOf[Int(b)])
                if trie[s][c] < 0 {
                    trie[s][c] = Int32(trie.count)
                    trie.append([Int32](repeating: -1, count: n))
                    out.append([])
                }
                s = Int(trie[s][c])
            }
            out[s].append(Int32(k))
        }
        // Breadth-first failure links, turned into a full DFA.
        var fail = [Int32](repeating: 0, count: trie.count)
        var queue: [Int] = []
        for c in 0..<n {
            if trie[0][c] < 0 {
                trie[0][c] = 0
            } else {
                fail[Int(trie[0][c])] = 0
                queue.append(Int(trie[0][c]))
            }
        }
        var head = 0
        while head < queue.count {
            let s = queue[head]
            head += 1
            out[s].append(contentsOf: out[Int(fail[s])])
            for c in 0..<n {
                let t = trie[s][c]
                if t < 0 {
                    trie[s][c] = trie[Int(fail[s])][c]
                } else {
                    fail[Int(t)] = trie[Int(fail[s])][c]
                    queue.append(Int(t))
                }
            }
        }
        var next = [Int32]()
        next.reserveCapacity(trie.count * n)
        for row in trie { next.append(contentsOf: row) }
        self.next = next
        var starts: [Int32] = []
        var flat: [Int32] = []
        for o in out {
            starts.append(Int32(flat.count))
            flat.append(contentsOf: o)
        }
        starts.append(Int32(flat.count))
        outStart = starts
        outputs = flat
    }

    /// Scans `text` and calls `report(pattern, end)` for every occurrence (end is exclusive).
    @inline(__always)
    public func scan(_ text: UnsafeBufferPointer<UInt8>, _ report: (Int32, Int) -> Void) {
        guard outputs.count > 0 else { return }
        next.withUnsafeBufferPointer { nx in
            classOf.withUnsafeBufferPointer { cls in
                outStart.withUnsafeBufferPointer { os in
                    var s = 0
                    let nc = classCount
                    for i in 0..<text.count {
                        s = Int(nx[s &* nc &+ Int(cls[Int(text[i])])])
                        let a = os[s]
                        let b = os[s &+ 1]
                        if a != b {
                            var k = Int(a)
                            while k < Int(b) {
                                report(outputs[k], i &+ 1)
                                k &+= 1
                            }
                        }
                    }
                }
            }
        }
    }
}
