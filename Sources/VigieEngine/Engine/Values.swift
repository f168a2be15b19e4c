import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// A value read from a comment or written in a rule, at evaluation time.
package enum RuntimeValue {
    case missing(String)
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    /// A duration in seconds (literal, or the age of a timestamp).
    case duration(Double)
    case other(String)

    package var typeName: String {
        switch self {
        case .missing: return "missing"
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .duration: return "a duration"
        case .other(let k): return k
        }
    }
}

extension Evaluator {
    package func value(_ o: Operand) -> RuntimeValue {
        switch o {
        case .string(let s): return .string(s)
        case .number(let n): return .number(n)
        case .duration(let d): return .duration(d)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .lang: return .string(lang)
        case .field(let path):
            // `text` is the configured text field (`--text-field`, `--map`); the other fields are
            // read where the field map says.
            guard let node = field(path) else { return .missing("field \(path.joined(separator: ".")) is missing") }
            switch doc.kind(node) {
            case .null: return .null
            case .bool: return .bool(doc.bool(node))
            case .number: return .number(doc.number(node))
            case .string: return .string(doc.string(node))
            case .array: return .other("an array")
            case .object: return .other("an object")
            }
        case .call(let fn, let subject):
            let bytes: [UInt8]
            switch subject {
            case .text:
                // Once per comment, whatever the number of conditions that read it.
                guard let k = TextMetrics.names.firstIndex(of: fn) else { return .number(0) }
                if metricStamp[k] != serial {
                    metricStamp[k] = serial
                    metricValue[k] = fn == "words" ? TextMetrics.words(normalized.bytes) : TextMetrics.value(fn, text, normalizer: normalizer)
                }
                return .number(metricValue[k])
            case .exactText: bytes = text
            case .field(let path), .exactField(let path):
                guard let node = field(path) else { return .missing("field \(path.joined(separator: ".")) is missing") }
                if fn == "age" {
                    guard let ts = timestamp(node, in: doc) else { return .missing("field \(path.joined(separator: ".")) is not a timestamp") }
                    guard let now = commentTime else { return .missing("the comment has no timestamp") }
                    return .duration(now - ts)
                }
                guard doc.kind(node) == .string else { return .missing("field \(path.joined(separator: ".")) is not a string") }
                bytes = Array(doc.stringBytes(node))
            }
            return .number(TextMetrics.value(fn, bytes, normalizer: normalizer))
        }
    }

    /// The comment's event time, from `timestamp` or `created_at` (ISO 8601, or epoch seconds or
    /// milliseconds), or from the fields the field map names for `timestamp` (`--time-field`).
    /// A time past the end of the year 9999 is out of range: taken as a time, it would make every
    /// later comment late by ages, so one bad line would decide the windows of the whole stream.
    package func readCommentTime(_ doc: JSONDocument) -> Double? {
        func read(_ n: Int, _ name: @autoclosure () -> String) -> Double? {
            guard let t = timestamp(n, in: doc) else { return nil }
            if t.isFinite, abs(t) < Evaluator.latestTime { return t }
            warn("`\(name())` \(String(decoding: doc.raw(n).prefix(40), as: UTF8.self)) is out of range (after the year 9999): ignored")
            return nil
        }
        if let timePaths {
            for path in timePaths {
                if let n = doc.lookup(path), let t = read(n, path.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".")) { return t }
            }
            return nil
        }
        // The two names one after the other (a loop over an array of them would build the
        // array on every comment).
        if let n = doc.member(doc.root, "timestamp"), let t = read(n, "timestamp") { return t }
        if let n = doc.member(doc.root, "created_at"), let t = read(n, "created_at") { return t }
        return nil
    }

    /// 10000-01-01T00:00:00Z in epoch seconds.
    package static let latestTime: Double = 253_402_300_800

    package func timestamp(_ node: Int, in doc: JSONDocument) -> Double? {
        switch doc.kind(node) {
        case .number:
            let v = doc.number(node)
            return v > 1e11 ? v / 1000 : v
        case .string: return parseISO8601(Array(doc.stringBytes(node)))
        default: return nil
        }
    }

    package func compareValues(_ a: RuntimeValue, _ op: CompareOp, _ b: RuntimeValue, _ t: inout NodeTrace?) -> Bool {
        if case .missing(let why) = a {
            t?.note = why
            return false
        }
        if case .missing(let why) = b {
            t?.note = why
            return false
        }
        // A field compared with a duration: numbers are seconds, strings are timestamps (their age).
        func asSeconds(_ v: RuntimeValue) -> Double? {
            switch v {
            case .number(let n), .duration(let n): return n
            case .string(let s):
                guard let ts = parseISO8601(Array(s.utf8)) else { return nil }
                guard let now = commentTime else { return nil }
                return now - ts
            default: return nil
            }
        }
        switch (a, b) {
        case (.number(let x), .number(let y)): return compareNumbers(x, op, y)
        case (.duration, _), (_, .duration):
            guard let x = asSeconds(a), let y = asSeconds(b) else {
                t?.note = "cannot read \(a.typeName) and \(b.typeName) as durations" + (commentTime == nil ? " (the comment has no timestamp)" : "")
                return false
            }
            t?.note = "\(formatDuration(x)) \(op.rawValue) \(formatDuration(y))"
            return compareNumbers(x, op, y)
        case (.string(let x), .string(let y)):
            let l = x.lowercased()
            let r = y.lowercased()
            switch op {
            case .eq: return l == r
            case .ne: return l != r
            case .lt: return l < r
            case .le: return l <= r
            case .gt: return l > r
            case .ge: return l >= r
            }
        case (.bool(let x), .bool(let y)):
            if op == .eq { return x == y }
            if op == .ne { return x != y }
        case (.null, .null):
            if op == .eq { return true }
            if op == .ne { return false }
        case (.null, _), (_, .null):
            if op == .eq { return false }
            if op == .ne { return true }
        default: break
        }
        t?.note = "cannot compare \(a.typeName) with \(b.typeName)"
        return false
    }
}

package func compareNumbers(_ x: Double, _ op: CompareOp, _ y: Double) -> Bool {
    switch op {
    case .eq: return x == y
    case .ne: return x != y
    case .lt: return x < y
    case .le: return x <= y
    case .gt: return x > y
    case .ge: return x >= y
    }
}

package func formatDuration(_ s: Double) -> String {
    let a = abs(s)
    if a >= 86400 { return String(format1(s / 86400)) + "d" }
    if a >= 3600 { return String(format1(s / 3600)) + "h" }
    if a >= 60 { return String(format1(s / 60)) + "m" }
    return String(format1(s)) + "s"
}

private func format1(_ v: Double) -> String {
    let r = (v * 10).rounded() / 10
    // Int64 cannot hold every Double: huge or infinite values are written as Double does.
    return r == r.rounded() && abs(r) < 1e15 ? String(Int64(r)) : String(r)
}

/// Parses `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]` (a space may replace `T`) to epoch seconds.
public func parseISO8601(_ b: [UInt8]) -> Double? {
    var i = 0
    func digits(_ n: Int) -> Int? {
        guard i + n <= b.count else { return nil }
        var v = 0
        for k in 0..<n {
            let c = b[i + k]
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        i += n
        return v
    }
    func eat(_ c: Character) -> Bool {
        if i < b.count, b[i] == c.asciiValue! {
            i += 1
            return true
        }
        return false
    }
    guard let y = digits(4), eat("-"), let mo = digits(2), eat("-"), let d = digits(2), (1...12).contains(mo), (1...31).contains(d) else { return nil }
    var h = 0, mi = 0
    var sec = 0.0
    var offset = 0
    if i < b.count, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ") {
        i += 1
        guard let hh = digits(2), eat(":"), let mm = digits(2), hh < 24, mm < 60 else { return nil }
        h = hh
        mi = mm
        if eat(":") {
            guard let ss = digits(2), ss <= 60 else { return nil }
            sec = Double(ss)
            if eat(".") || eat(",") {
                var scale = 0.1
                while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                    sec += Double(b[i] - 0x30) * scale
                    scale /= 10
                    i += 1
                }
            }
        }
        if eat("Z") || eat("z") {
        } else if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = digits(2) else { return nil }
            _ = eat(":")
            let om = digits(2) ?? 0
            offset = sign * (oh * 3600 + om * 60)
        }
    }
    guard i == b.count else { return nil }
    // Days from civil (Howard Hinnant's algorithm).
    let yy = mo <= 2 ? y - 1 : y
    let era = (yy >= 0 ? yy : yy - 399) / 400
    let yoe = yy - era * 400
    let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146097 + doe - 719468
    return Double(days * 86400 + h * 3600 + mi * 60 - offset) + sec
}

/// Derived values of a text: length, links, mentions, hashtags, emojis, share of capitals, words.
public enum TextMetrics {
    /// Computes derived value `fn` of `bytes`.
    public static func value(_ fn: String, _ bytes: [UInt8], normalizer: Normalizer) -> Double {
        switch fn {
        case "length":
            return Double(bytes.reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) })
        case "links": return Double(links(bytes))
        case "mentions": return Double(prefixed(bytes, UInt8(ascii: "@")))
        case "hashtags": return Double(prefixed(bytes, UInt8(ascii: "#")))
        case "emojis", "caps":
            var emojis = 0
            var upper = 0
            var letters = 0
            var i = 0
            while i < bytes.count {
                let (v, n) = decodeScalar(bytes, at: i)
                i += n
                guard let v, let s = Unicode.Scalar(v) else { continue }
                if v < 0x80 {
                    if v >= 0x41, v <= 0x5A { upper += 1; letters += 1 } else if v >= 0x61, v <= 0x7A { letters += 1 }
                    continue
                }
                let p = s.properties
                if p.isEmojiPresentation || (p.isEmoji && v >= 0x2600) { emojis += 1 }
                if p.isAlphabetic {
                    letters += 1
                    if p.isUppercase { upper += 1 }
                }
            }
            if fn == "emojis" { return Double(emojis) }
            return letters == 0 ? 0 : Double(upper) / Double(letters)
        case "words":
            var n = NormalizedText()
            normalizer.normalize(bytes, into: &n)
            return words(n.bytes)
        default: return 0
        }
    }

    /// The derived values of a text, by name.
    package static let names = ["length", "links", "mentions", "hashtags", "emojis", "caps", "words"]

    /// Words in normalized text (words are separated by single spaces).
    package static func words(_ normalized: [UInt8]) -> Double {
        normalized.isEmpty ? 0 : Double(normalized.reduce(1) { $0 + ($1 == 0x20 ? 1 : 0) })
    }

    package static func links(_ b: [UInt8]) -> Int {
        var count = 0
        var i = 0
        let lower = b.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        let http = Array("http".utf8)
        let www = Array("www.".utf8)
        while i < lower.count {
            if lower[i] == http[0], lower[i...].starts(with: http) {
                var j = i + 4
                if j < lower.count, lower[j] == UInt8(ascii: "s") { j += 1 }
                if lower[j...].starts(with: Array("://".utf8)) {
                    count += 1
                    i = j + 3
                    while i < lower.count, lower[i] > 0x20 { i += 1 }
                    continue
                }
            } else if lower[i] == www[0], lower[i...].starts(with: www), i == 0 || lower[i - 1] <= 0x20 {
                count += 1
                while i < lower.count, lower[i] > 0x20 { i += 1 }
                continue
            }
            i += 1
        }
        return count
    }

    package static func prefixed(_ b: [UInt8], _ sigil: UInt8) -> Int {
        var count = 0
        for i in b.indices where b[i] == sigil && i + 1 < b.count {
            let prevOK = i == 0 || !(isWordByte(b[i - 1]))
            let next = b[i + 1]
            if prevOK, isWordByte(next) || next >= 0x80 { count += 1 }
        }
        return count
    }

    @inline(__always) package static func isWordByte(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A) || c == UInt8(ascii: "_")
    }
}
