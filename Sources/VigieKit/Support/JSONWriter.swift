/// Builds compact JSON as UTF-8 bytes, in the order keys are written (so output key order is
/// stable). Used for decisions, diagnostics and reports; never allocates per value beyond the buffer.
public struct JSONWriter {
    /// The bytes written so far.
    public var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    /// Creates an empty writer with some capacity reserved.
    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// The output as a string.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Clears the buffer, keeping its capacity.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        needsComma.removeAll(keepingCapacity: true)
        needsComma.append(false)
    }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    /// Opens an object.
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    /// Closes an object.
    public mutating func endObject() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// Opens an array.
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    /// Closes an array.
    public mutating func endArray() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes an object key; the next value written is its value.
    public mutating func key(_ k: String) {
        separate()
        JSONWriter.appendQuoted(k.utf8, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }


    /// Writes a string value.
    public mutating func string(_ s: String) {
        separate()
        var s = s
        s.withUTF8 { JSONWriter.appendQuoted($0, to: &bytes) }
    }

    /// Writes a string value from UTF-8 bytes (invalid UTF-8 is replaced by U+FFFD).
    public mutating func string<C: Collection>(utf8 s: C) where C.Element == UInt8 {
        separate()
        JSONWriter.appendQuoted(s, to: &bytes)
    }

    /// Writes an integer value.
    public mutating func int(_ v: Int) {
        separate()
        bytes.append(contentsOf: String(v).utf8)
    }

    /// Writes a number value (integers without a fraction).
    public mutating func number(_ v: Double) {
        separate()
        if !v.isFinite {
            bytes.append(contentsOf: "null".utf8)
        } else if v == v.rounded(), abs(v) < 1e15 {
            bytes.append(contentsOf: String(Int64(v)).utf8)
        } else {
            bytes.append(contentsOf: String(v).utf8)
        }
    }

    /// Writes a boolean value.
    public mutating func bool(_ v: Bool) {
        separate()
        bytes.append(contentsOf: (v ? "true" : "false").utf8)
    }

    /// Writes `null`.
    public mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// Writes pre-encoded JSON as a value.
    public mutating func raw<C: Collection>(_ json: C) where C.Element == UInt8 {
        separate()
        bytes.append(contentsOf: json)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `s` as a quoted JSON string, escaping control characters, quotes, backslashes and
    /// U+2028/U+2029, and replacing invalid UTF-8 by U+FFFD.
    public static func appendQuoted<C: Collection>(_ s: C, to out: inout [UInt8]) where C.Element == UInt8 {
        out.append(UInt8(ascii: "\""))
        var it = s.makeIterator()
        var pending: UInt8? = nil
        while let c = pending ?? it.next() {
            pending = nil
            if c < 0x80 {
                switch c {
                case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0..<0x20, 0x7F:
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(c >> 4)], hex[Int(c & 15)]])
                default: out.append(c)
                }
                continue
            }
            // Validate one multi-byte scalar.
            let need: Int
            if c & 0xE0 == 0xC0, c >= 0xC2 { need = 1 } else if c & 0xF0 == 0xE0 { need = 2 } else if c & 0xF8 == 0xF0, c <= 0xF4 { need = 3 } else {
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                continue
            }
            var seq: [UInt8] = [c]
            var ok = true
            for k in 0..<need {
                guard let n = it.next() else { ok = false; break }
                if n & 0xC0 != 0x80 {
                    pending = n
                    ok = false
                    break
                }
                if k == 0 {
                    if c == 0xE0, n < 0xA0 { ok = false }
                    if c == 0xED, n > 0x9F { ok = false }
                    if c == 0xF0, n < 0x90 { ok = false }
                    if c == 0xF4, n > 0x8F { ok = false }
                }
                seq.append(n)
            }
            if !ok || seq.count != need + 1 {
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                continue
            }
            if seq == [0xE2, 0x80, 0xA8] || seq == [0xE2, 0x80, 0xA9] {
                out.append(contentsOf: "\\u20\(seq[2] == 0xA8 ? "28" : "29")".utf8)
            } else {
                out.append(contentsOf: seq)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
