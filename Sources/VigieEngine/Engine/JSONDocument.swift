import Foundation
import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// A parsed JSON line: a flat array of nodes pointing into the line's bytes.
///
/// Parsing allocates nothing once the document's arrays have grown: strings are decoded only
/// when read (and only when they contain escapes). Objects keep their members in order; when a
/// key appears twice, lookups return the last one (as most JSON parsers do).
public struct JSONDocument {
    /// A JSON value's type.
    public enum Kind: UInt8 {
        case null, bool, number, string, array, object
    }

    /// One value in the document.
    public struct Node {
        /// The value's type.
        public var kind: Kind
        /// For object members: the key's bytes (without quotes).
        package var keyStart: Int32 = 0
        package var keyEnd: Int32 = 0
        package var keyEscaped = false
        /// The value's bytes (strings without quotes).
        package var start: Int32 = 0
        package var end: Int32 = 0
        package var escaped = false
        /// First child (arrays, objects) and next sibling, or -1.
        package var firstChild: Int32 = -1
        package var next: Int32 = -1
        package var boolValue = false
    }

    /// Why a line is not a usable JSON object.
    public struct ParseError: Error, CustomStringConvertible {
        /// Byte offset of the problem in the line.
        public var offset: Int
        /// What is wrong.
        public var message: String
        public var description: String { "\(message) at byte \(offset + 1)" }
    }

    /// The line's bytes.
    public private(set) var bytes: [UInt8] = []
    /// The nodes; node 0 is the root.
    public private(set) var nodes: [Node] = []
    /// The maximum nesting depth accepted.
    public var maxDepth = 64

    /// Creates an empty document.
    public init() {}

    /// Parses `line`, replacing the previous content.
    public mutating func parse<C: Collection>(_ line: C) throws(ParseError) where C.Element == UInt8 {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: line)
        nodes.removeAll(keepingCapacity: true)
        let depth = maxDepth
        var failure: ParseError?
        bytes.withUnsafeBufferPointer { buffer in
            // Nodes are written to room on the stack (a comment has a handful), then copied
            // once: appending to the array would check its uniqueness and capacity per node.
            withUnsafeTemporaryAllocation(of: Node.self, capacity: Parsing.stackNodes) { room in
                var p = Parsing(bytes: buffer, maxDepth: depth, room: room.baseAddress!)
                do throws(ParseError) { try p.run() } catch { failure = error }
                nodes.append(contentsOf: UnsafeBufferPointer(start: p.out, count: p.count))
                p.freeRoom()
            }
        }
        if let failure { throw failure }
    }

    // MARK: - Reading

    /// The root node index (0).
    public var root: Int { 0 }

    /// The child of object `node` with key `key` (the last one if repeated).
    public func member(_ node: Int, _ key: [UInt8]) -> Int? {
        key.withUnsafeBufferPointer { member(node, $0) }
    }

    /// The member named `key` of an object node (the last one if the key repeats), or nil.
    public func member(_ node: Int, _ key: UnsafeBufferPointer<UInt8>) -> Int? {
        guard node >= 0, node < nodes.count, nodes[node].kind == .object else { return nil }
        var c = Int(nodes[node].firstChild)
        var found: Int?
        while c >= 0 {
            let n = nodes[c]
            if keyEquals(n, key) { found = c }
            c = Int(n.next)
        }
        return found
    }

    private func keyEquals(_ n: Node, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let len = Int(n.keyEnd - n.keyStart)
        if !n.keyEscaped {
            guard len == key.count else { return false }
            guard len > 0 else { return true }
            return bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + Int(n.keyStart), key.baseAddress!, len) == 0 }
        }
        return JSONDocument.unescape(bytes[Int(n.keyStart)..<Int(n.keyEnd)]).elementsEqual(key)
    }

    /// The member named `key` of an object node, for names known at compile time.
    public func member(_ node: Int, _ key: StaticString) -> Int? {
        key.withUTF8Buffer { member(node, $0) }
    }

    /// The node at a path of names given as raw bytes (read on every comment: no reference
    /// counting), or nil if any step is missing.
    package func lookup(_ path: UnsafeBufferPointer<UnsafeBufferPointer<UInt8>>) -> Int? {
        var n = root
        for k in path {
            guard let c = member(n, k) else { return nil }
            n = c
        }
        return n
    }

    /// Calls `body` with a string node's decoded bytes, without copying them when the string
    /// has no escapes.
    package func withStringBytes<R>(_ node: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let n = nodes[node]
        if n.escaped { return JSONDocument.unescape(bytes[Int(n.start)..<Int(n.end)]).withUnsafeBufferPointer(body) }
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[Int(n.start)..<Int(n.end)])) }
    }

    /// The node at a dotted path (`author.name`), or nil if any step is missing.
    public func lookup(_ path: [[UInt8]]) -> Int? {
        // Through the buffer: `for k in path` would retain and release each name.
        path.withUnsafeBufferPointer { names in
            var n = root
            for i in 0..<names.count {
                guard let c = names[i].withUnsafeBufferPointer({ member(n, $0) }) else { return nil }
                n = c
            }
            return n
        }
    }

    /// The node at a path of field names (`["author", "name"]`), or nil if any step is missing.
    /// Reads the names' UTF-8 in place: nothing is allocated.
    public func lookup(names path: [String]) -> Int? {
        var n = root
        for k in path {
            var name = k
            guard let c = name.withUTF8({ member(n, $0) }) else { return nil }
            n = c
        }
        return n
    }

    /// The kind of a node.
    public func kind(_ node: Int) -> Kind { nodes[node].kind }

    /// A string node's decoded bytes.
    public func stringBytes(_ node: Int) -> ArraySlice<UInt8> {
        let n = nodes[node]
        if !n.escaped { return bytes[Int(n.start)..<Int(n.end)] }
        return ArraySlice(JSONDocument.unescape(bytes[Int(n.start)..<Int(n.end)]))
    }

    /// A string node's value.
    public func string(_ node: Int) -> String { String(decoding: stringBytes(node), as: UTF8.self) }

    /// A number node's value.
    public func number(_ node: Int) -> Double {
        let n = nodes[node]
        return parseDouble(bytes[Int(n.start)..<Int(n.end)]) ?? .nan
    }

    /// A boolean node's value.
    public func bool(_ node: Int) -> Bool { nodes[node].boolValue }

    /// The raw JSON text of a node (for echoing ids as they were written).
    public func raw(_ node: Int) -> ArraySlice<UInt8> {
        let n = nodes[node]
        if n.kind == .string { return bytes[Int(n.start - 1)..<Int(n.end + 1)] }
        return bytes[Int(n.start)..<Int(n.end)]
    }

    /// Calls `body` with a node's JSON text, as ``raw(_:)`` gives it, read in place.
    package func withRaw<R>(_ node: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let n = nodes[node]
        let range = n.kind == .string ? Int(n.start - 1)..<Int(n.end + 1) : Int(n.start)..<Int(n.end)
        return bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// The children of an array or object node.
    public func children(_ node: Int) -> [Int] {
        var out: [Int] = []
        var c = Int(nodes[node].firstChild)
        while c >= 0 {
            out.append(c)
            c = Int(nodes[c].next)
        }
        return out
    }

    /// A member node's key.
    public func key(_ node: Int) -> String {
        let n = nodes[node]
        let raw = bytes[Int(n.keyStart)..<Int(n.keyEnd)]
        return String(decoding: n.keyEscaped ? ArraySlice(JSONDocument.unescape(raw)) : raw, as: UTF8.self)
    }

    private func parseDouble(_ s: ArraySlice<UInt8>) -> Double? {
        // Fast path for plain integers.
        var v: Int64 = 0
        var neg = false
        var i = s.startIndex
        if i < s.endIndex, s[i] == UInt8(ascii: "-") {
            neg = true
            i += 1
        }
        var simple = s.count - (neg ? 1 : 0) <= 15
        while simple, i < s.endIndex {
            let c = s[i]
            if c < 0x30 || c > 0x39 {
                simple = false
                break
            }
            v = v * 10 + Int64(c - 0x30)
            i += 1
        }
        if simple { return Double(neg ? -v : v) }
        return Double(String(decoding: s, as: UTF8.self))
    }

    /// Decodes JSON string escapes (the input is known to be well formed).
    package static func unescape(_ s: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = s.startIndex
        func hex4(_ at: Int) -> UInt32 {
            var v: UInt32 = 0
            for k in 0..<4 {
                let c = s[at + k]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                default: d = UInt32(c - 0x61 + 10)
                }
                v = v * 16 + d
            }
            return v
        }
        while i < s.endIndex {
            let c = s[i]
            if c != UInt8(ascii: "\\") {
                out.append(c)
                i += 1
                continue
            }
            let e = s[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var v = hex4(i)
                i += 4
                if (0xD800...0xDBFF).contains(v), i + 6 <= s.endIndex, s[i] == UInt8(ascii: "\\"), s[i + 1] == UInt8(ascii: "u") {
                    let lo = hex4(i + 2)
                    if (0xDC00...0xDFFF).contains(lo) {
                        v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                        i += 6
                    }
                }
                let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: out.append(e)
            }
        }
        return out
    }
}

/// The recursive-descent JSON reader behind ``JSONDocument/parse(_:)``.
private struct Parsing {
    package let bytes: UnsafeBufferPointer<UInt8>
    package let maxDepth: Int
    package var i = 0
    /// The nodes written so far: `count` of them at `out`, which has room for `capacity`. It
    /// starts as the caller's room on the stack and moves to the heap if a line needs more.
    package var out: UnsafeMutablePointer<JSONDocument.Node>
    package var count = 0
    package var capacity = Parsing.stackNodes
    package var onHeap = false
    package static let stackNodes = 16

    package init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, room: UnsafeMutablePointer<JSONDocument.Node>) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        out = room
    }

    @inline(__always) package mutating func append(_ n: JSONDocument.Node) {
        if count == capacity { grow() }
        (out + count).initialize(to: n)
        count += 1
    }

    /// Twice the room, on the heap.
    package mutating func grow() {
        let bigger = UnsafeMutablePointer<JSONDocument.Node>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: out, count: count)
        if onHeap { out.deallocate() }
        out = bigger
        capacity *= 2
        onHeap = true
    }

    /// Frees the room taken on the heap, if any (after the nodes were copied out).
    package mutating func freeRoom() {
        if onHeap { out.deallocate() }
        onHeap = false
    }

    package typealias Err = JSONDocument.ParseError

    package mutating func run() throws(Err) {
        skipSpace()
        guard i < bytes.count else { throw Err(offset: 0, message: "empty line") }
        guard bytes[i] == UInt8(ascii: "{") else {
            let what = bytes[i] == UInt8(ascii: "[") ? "an array" : "not an object"
            _ = try value(depth: 0)
            skipSpace()
            throw Err(offset: 0, message: "a comment must be a JSON object, this line is \(what)")
        }
        _ = try value(depth: 0)
        skipSpace()
        if i < bytes.count { throw Err(offset: i, message: "unexpected data after the JSON object") }
    }

    package mutating func skipSpace() {
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 } else { break }
        }
    }

    package mutating func value(depth: Int) throws(Err) -> Int {
        skipSpace()
        guard i < bytes.count else { throw Err(offset: i, message: "unexpected end of line") }
        let index = count
        let c = bytes[i]
        switch c {
        case UInt8(ascii: "{"):
            guard depth < maxDepth else { throw Err(offset: i, message: "JSON nested deeper than \(maxDepth) levels") }
            append(.init(kind: .object, start: Int32(i)))
            i += 1
            skipSpace()
            var last = -1
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                i += 1
            } else {
                while true {
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Err(offset: i, message: "expected a key in double quotes") }
                    let (ks, ke, kesc) = try stringBody()
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Err(offset: i, message: "expected `:` after a key") }
                    i += 1
                    let child = try value(depth: depth + 1)
                    out[child].keyStart = Int32(ks)
                    out[child].keyEnd = Int32(ke)
                    out[child].keyEscaped = kesc
                    if last < 0 { out[index].firstChild = Int32(child) } else { out[last].next = Int32(child) }
                    last = child
                    skipSpace()
                    guard i < bytes.count else { throw Err(offset: i, message: "unterminated object") }
                    if bytes[i] == UInt8(ascii: ",") {
                        i += 1
                        continue
                    }
                    if bytes[i] == UInt8(ascii: "}") {
                        i += 1
                        break
                    }
                    throw Err(offset: i, message: "expected `,` or `}` in object")
                }
            }
            out[index].end = Int32(i)
        case UInt8(ascii: "["):
            guard depth < maxDepth else { throw Err(offset: i, message: "JSON nested deeper than \(maxDepth) levels") }
            append(.init(kind: .array, start: Int32(i)))
            i += 1
            skipSpace()
            var last = -1
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                i += 1
            } else {
                while true {
                    let child = try value(depth: depth + 1)
                    if last < 0 { out[index].firstChild = Int32(child) } else { out[last].next = Int32(child) }
                    last = child
                    skipSpace()
                    guard i < bytes.count else { throw Err(offset: i, message: "unterminated array") }
                    if bytes[i] == UInt8(ascii: ",") {
                        i += 1
                        continue
                    }
                    if bytes[i] == UInt8(ascii: "]") {
                        i += 1
                        break
                    }
                    throw Err(offset: i, message: "expected `,` or `]` in array")
                }
            }
            out[index].end = Int32(i)
        case UInt8(ascii: "\""):
            let (s, e, esc) = try stringBody()
            append(.init(kind: .string, start: Int32(s), end: Int32(e), escaped: esc))
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            for (word, kind, b) in [("true", JSONDocument.Kind.bool, true), ("false", .bool, false), ("null", .null, false)] {
                let w = Array(word.utf8)
                if i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w {
                    append(.init(kind: kind, start: Int32(i), end: Int32(i + w.count), boolValue: b))
                    i += w.count
                    return index
                }
            }
            throw Err(offset: i, message: "invalid literal")
        default:
            let s = i
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            let digitsStart = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            guard i > digitsStart else { throw Err(offset: s, message: "unexpected character `\(String(decoding: [c], as: UTF8.self))`") }
            if bytes[digitsStart] == 0x30, i - digitsStart > 1 { throw Err(offset: s, message: "number with a leading zero") }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                let f = i
                while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
                guard i > f else { throw Err(offset: i, message: "digit expected after `.`") }
            }
            if i < bytes.count, bytes[i] | 0x20 == UInt8(ascii: "e") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                let f = i
                while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
                guard i > f else { throw Err(offset: i, message: "digit expected in exponent") }
            }
            append(.init(kind: .number, start: Int32(s), end: Int32(i)))
        }
        return index
    }

    /// The high bit of each byte of `w` that is `"`, `\` or below 0x20 (bit tricks over the
    /// eight bytes), exact for the lowest: a higher one may be set wrongly only above a true one.
    @inline(__always) package static func attention(_ w: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let control = (w &- ones &* 0x20) & ~w & 0x8080_8080_8080_8080
        return control | zeroBytes(w ^ (ones &* 0x22)) | zeroBytes(w ^ (ones &* 0x5C))
    }

    /// Reads a string starting at the opening quote; returns the body's range and whether it has escapes.
    package mutating func stringBody() throws(Err) -> (Int, Int, Bool) {
        let open = i
        i += 1
        let s = i
        var escaped = false
        // Eight bytes at a time while none is a quote, a backslash or a control character.
        // (The index in a local: stored back to `self` at every step, it would cost a store each.)
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            var k = i
            let last = bytes.count &- 8
            while k <= last {
                let m = Parsing.attention(base.loadUnaligned(fromByteOffset: k, as: UInt64.self))
                if m != 0 {
                    // Straight to the first byte that needs a look.
                    k &+= m.trailingZeroBitCount &>> 3
                    break
                }
                k &+= 8
            }
            i = k
        }
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return (s, i - 1, escaped)
            }
            if c == UInt8(ascii: "\\") {
                escaped = true
                guard i + 1 < bytes.count else { break }
                let e = bytes[i + 1]
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    guard i + 6 <= bytes.count, bytes[i + 2..<i + 6].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }) else {
                        throw Err(offset: i, message: "invalid \\u escape")
                    }
                    i += 6
                default:
                    throw Err(offset: i, message: "invalid escape in string")
                }
                continue
            }
            if c < 0x20 { throw Err(offset: i, message: "control character in string") }
            i += 1
        }
        throw Err(offset: open, message: "unterminated string")
    }
}
