/// Builds compact JSON as UTF-8 bytes, in the order keys are written (so output key order is
/// stable). Used for decisions, diagnostics and reports; never allocates per value beyond the buffer.
public struct JSONWriter {
    /// The bytes written so far.
    public var bytes: [UInt8] = []
    /// Whether the next value at the current level needs a comma first; the enclosing levels'.
    private var needsComma = false
    private var outer: [Bool] = []

    /// Creates an empty writer with some capacity reserved.
    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    /// The output as a string.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Clears the buffer, keeping its capacity.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        needsComma = false
        outer.removeAll(keepingCapacity: true)
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
    }

    /// Opens an object.
    public mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        outer.append(needsComma)
        needsComma = false
    }

    /// Closes an object.
    public mutating func endObject() {
        needsComma = outer.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    /// Opens an array.
    public mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        outer.append(needsComma)
        needsComma = false
    }

    /// Closes an array.
    public mutating func endArray() {
        needsComma = outer.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes an object key; the next value written is its value.
    public mutating func key(_ k: String) {
        separate()
        JSONWriter.appendQuoted(k.utf8, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }


    /// Writes an object key known at compile time, which must need no escaping (plain ASCII
    /// without quotes or backslashes): copied as it is, with no per-byte checks.
    public mutating func rawKey(_ k: StaticString) {
        separate()
        bytes.append(0x22)
        k.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(0x22)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
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
        JSONWriter.appendInt(v, to: &bytes)
    }

    /// Appends the decimal digits of `v` (see ``writeInt(_:at:)``).
    package static func appendInt(_ v: Int, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            out.append(contentsOf: UnsafeBufferPointer(start: buf.baseAddress!, count: writeInt(v, at: buf.baseAddress!)))
        }
    }

    /// Writes the decimal digits of `v` at `p` (room for 20 bytes) and returns how many: written
    /// from the last into a small buffer (division by the constant 10 compiles to a
    /// multiplication), then moved once; no string is built.
    @inlinable @inline(__always) package static func writeInt(_ v: Int, at p: UnsafeMutablePointer<UInt8>) -> Int {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var m = v.magnitude
            var k = 20
            repeat {
                let (q, r) = m.quotientAndRemainder(dividingBy: 10)
                k -= 1
                buf[k] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: r)
                m = q
            } while m > 0
            var n = 0
            if v < 0 {
                p.pointee = UInt8(ascii: "-")
                n = 1
            }
            (p + n).update(from: buf.baseAddress! + k, count: 20 - k)
            return n + 20 - k
        }
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
        let done: Void? = s.withContiguousStorageIfAvailable { quote($0, to: &out) }
        if done == nil { Array(s).withUnsafeBufferPointer { quote($0, to: &out) } }
    }

    /// The work of ``appendQuoted(_:to:)``: runs of bytes that need nothing are copied whole.
    package static func quote(_ b: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(0x22)
        let n = b.count
        var i = 0
        var run = 0
        @inline(__always) func flush(_ end: Int) {
            if run < end { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[run..<end])) }
        }
        while i < n {
            let c = b[i]
            if c >= 0x20, c < 0x7F, c != 0x22, c != 0x5C {
                i += 1
                continue
            }
            if c < 0x80 {
                flush(i)
                out.append(0x5C)
                switch c {
                case 0x22, 0x5C: out.append(c)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    out.append(UInt8(ascii: "u"))
                    out.append(UInt8(ascii: "0"))
                    out.append(UInt8(ascii: "0"))
                    out.append(hex[Int(c >> 4)])
                    out.append(hex[Int(c & 15)])
                }
                i += 1
                run = i
                continue
            }
            // Validate one multi-byte scalar: a bad one becomes U+FFFD, and a byte that is not a
            // continuation byte is read again as the start of the next character.
            let need: Int
            if c & 0xE0 == 0xC0, c >= 0xC2 { need = 1 } else if c & 0xF0 == 0xE0 { need = 2 } else if c & 0xF8 == 0xF0, c <= 0xF4 { need = 3 } else { need = 0 }
            var j = i + 1
            var ok = need > 0
            var got = 0
            while got < need {
                guard j < n else {
                    ok = false
                    break
                }
                let x = b[j]
                if x & 0xC0 != 0x80 {
                    ok = false
                    break
                }
                if got == 0, (c == 0xE0 && x < 0xA0) || (c == 0xED && x > 0x9F) || (c == 0xF0 && x < 0x90) || (c == 0xF4 && x > 0x8F) { ok = false }
                j += 1
                got += 1
            }
            if ok, c == 0xE2, b[i + 1] == 0x80, b[i + 2] == 0xA8 || b[i + 2] == 0xA9 {
                flush(i)
                out.append(contentsOf: b[i + 2] == 0xA8 ? Array("\\u2028".utf8) : Array("\\u2029".utf8))
                run = j
            } else if !ok {
                flush(i)
                out.append(0xEF)
                out.append(0xBF)
                out.append(0xBD)
                run = j
            }
            i = j
        }
        flush(n)
        out.append(0x22)
    }
}
