import VigieCore
import VigieLanguage

/// Unified diffs of two texts, line by line (Myers' algorithm), as `diff -u` prints them, so
/// `vigie fmt --check` output can be read in a CI log or applied with `patch -p0`.
public enum UnifiedDiff {
    private struct Line: Equatable {
        package var text: Substring
        /// False for a last line without a line feed.
        package var newline: Bool
    }

    private enum Edit {
        case same(Int, Int)
        case delete(Int)
        case insert(Int)
    }

    /// The unified diff from `old` to `new` with `context` lines around each change, headed
    /// `--- OLDNAME` and `+++ NEWNAME`; empty when the texts are equal.
    public static func make(from old: String, to new: String, oldName: String, newName: String, context: Int = 3) -> String {
        let a = lines(old)
        let b = lines(new)
        let edits = diff(a, b)
        var changes: [Int] = []
        for (k, e) in edits.enumerated() {
            if case .same = e { continue }
            changes.append(k)
        }
        guard !changes.isEmpty else { return "" }
        var out = "--- \(oldName)\n+++ \(newName)\n"
        var k = 0
        while k < changes.count {
            var last = k
            while last + 1 < changes.count, changes[last + 1] - changes[last] <= 2 * context + 1 { last += 1 }
            let lo = max(0, changes[k] - context)
            let hi = min(edits.count, changes[last] + context + 1)
            out += hunk(edits, lo, hi, a, b)
            k = last + 1
        }
        return out
    }

    private static func lines(_ s: String) -> [Line] {
        var parts = s.split(separator: "\n", omittingEmptySubsequences: false)
        let endsWithNewline = parts.last == ""
        if endsWithNewline { parts.removeLast() }
        return parts.enumerated().map { Line(text: $0.element, newline: $0.offset < parts.count - 1 || endsWithNewline) }
    }

    private static func hunk(_ edits: [Edit], _ lo: Int, _ hi: Int, _ a: [Line], _ b: [Line]) -> String {
        // Lines of each side before the hunk.
        var oldBefore = 0
        var newBefore = 0
        for e in edits[..<lo] {
            switch e {
            case .same: oldBefore += 1; newBefore += 1
            case .delete: oldBefore += 1
            case .insert: newBefore += 1
            }
        }
        var body = ""
        var oldCount = 0
        var newCount = 0
        func emit(_ mark: Character, _ l: Line) {
            body += "\(mark)\(l.text)\n"
            if !l.newline { body += "\\ No newline at end of file\n" }
        }
        for e in edits[lo..<hi] {
            switch e {
            case .same(let i, _):
                emit(" ", a[i]); oldCount += 1; newCount += 1
            case .delete(let i):
                emit("-", a[i]); oldCount += 1
            case .insert(let j):
                emit("+", b[j]); newCount += 1
            }
        }
        let oldStart = oldCount == 0 ? oldBefore : oldBefore + 1
        let newStart = newCount == 0 ? newBefore : newBefore + 1
        func range(_ start: Int, _ count: Int) -> String { count == 1 ? "\(start)" : "\(start),\(count)" }
        return "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n" + body
    }

    /// The shortest edit script from `a` to `b` (Myers, "An O(ND) difference algorithm").
    private static func diff(_ a: [Line], _ b: [Line]) -> [Edit] {
        let n = a.count
        let m = b.count
        let maxD = n + m
        let offset = maxD + 1
        var v = [Int](repeating: 0, count: 2 * maxD + 3)
        var trace: [[Int]] = []
        search: for d in 0...maxD {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n, y >= m { break search }
            }
        }
        var edits: [Edit] = []
        var x = n
        var y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let v = trace[d]
            let k = x - y
            let down = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])
            let prevK = down ? k + 1 : k - 1
            let prevX = v[offset + prevK]
            let prevY = prevX - prevK
            while x > prevX, y > prevY {
                edits.append(.same(x - 1, y - 1))
                x -= 1
                y -= 1
            }
            if d > 0 {
                if down { edits.append(.insert(y - 1)) } else { edits.append(.delete(x - 1)) }
                x = prevX
                y = prevY
            }
        }
        return edits.reversed()
    }
}
