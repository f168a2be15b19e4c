import Foundation

/// Text after normalization, with a map back to the original bytes.
///
/// `bytes` holds lower-case, accent-free words separated by single spaces. For every byte of
/// `bytes`, `origin[i]` is the offset in the original text of the character it came from and
/// `originEnd[i]` the offset just past it, so a match `s..<e` maps back to
/// `origin[s]..<originEnd[e-1]` in the original.
public struct NormalizedText {
    /// The normalized UTF-8 bytes.
    public var bytes: [UInt8] = []
    /// Original start offset of each normalized byte.
    public var origin: [Int32] = []
    /// Original end offset of each normalized byte.
    public var originEnd: [Int32] = []

    /// Creates an empty buffer.
    public init() {}

    /// Empties the buffers, keeping their capacity.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        origin.removeAll(keepingCapacity: true)
        originEnd.removeAll(keepingCapacity: true)
    }

    /// The original byte range of the normalized range `s..<e`.
    public func originalRange(_ s: Int, _ e: Int) -> Range<Int> {
        guard s < e, e <= bytes.count else { return 0..<0 }
        return Int(origin[s])..<Int(originEnd[e - 1])
    }

    /// The normalized text as a string.
    public var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// How one Unicode scalar is treated by the normalizer.
enum ScalarClass {
    /// A letter or digit: contributes its folded bytes to a word.
    case word([UInt8])
    /// A symbol such as an emoji: a word of its own.
    case symbol
    /// Ignored entirely (zero-width, bidi controls, combining marks, variation selectors).
    case ignore
    /// Separates words (spaces, punctuation, controls).
    case separator
}

/// The normalization stage: Unicode compatibility decomposition (NFKD), removal of combining
/// marks (accent folding), case folding, removal of zero-width and bidi controls, and collapsing
/// every run of spaces and punctuation into one space.
///
/// Comments and rule terms go through the same function, so `has "reçu"` matches `RECU`,
/// `reçu` and `Reçu`. The stage is one replaceable unit: the engine only relies on
/// ``NormalizedText`` and its map back to the original bytes.
public struct Normalizer: Sendable {
    /// Creates the normalizer.
    public init() {}

    /// Fold table for U+0000..U+2FFF, computed once.
    static let table: [ScalarClass] = {
        var t = [ScalarClass](repeating: .separator, count: 0x3000)
        for v in 0..<0x3000 {
            guard let s = Unicode.Scalar(v) else { continue }
            t[v] = classify(s)
        }
        return t
    }()

    static func classify(_ s: Unicode.Scalar) -> ScalarClass {
        let v = s.value
        if v < 0x80 {
            switch v {
            case 0x41...0x5A: return .word([UInt8(v + 0x20)])
            case 0x61...0x7A, 0x30...0x39: return .word([UInt8(v)])
            default: return .separator
            }
        }
        let p = s.properties
        switch p.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark, .format: return .ignore
        case .control, .spaceSeparator, .lineSeparator, .paragraphSeparator: return .separator
        default: break
        }
        if v == 0xAD || (0xFE00...0xFE0F).contains(v) || (0xE0100...0xE01EF).contains(v) || (0x1F3FB...0x1F3FF).contains(v) { return .ignore }
        if p.isAlphabetic || p.numericType != nil {
            // Compatibility decomposition, drop marks, lower-case.
            var out: [UInt8] = []
            let decomposed = String(Character(s)).decomposedStringWithCompatibilityMapping
            for d in decomposed.unicodeScalars {
                let gc = d.properties.generalCategory
                if gc == .nonspacingMark || gc == .enclosingMark || gc == .spacingMark || gc == .format { continue }
                if d.value < 0x80 {
                    let c = UInt8(d.value)
                    if c >= 0x41, c <= 0x5A { out.append(c + 0x20) } else if (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) { out.append(c) }
                    continue
                }
                for l in d.properties.lowercaseMapping.unicodeScalars { out.append(contentsOf: Array(String(l).utf8)) }
            }
            // Letters that do not decompose but read as two Latin letters.
            switch v {
            case 0xDF, 0x1E9E: out = Array("ss".utf8)
            case 0xC6, 0xE6: out = Array("ae".utf8)
            case 0x152, 0x153: out = Array("oe".utf8)
            case 0xD8, 0xF8: out = Array("o".utf8)
            case 0x141, 0x142: out = Array("l".utf8)
            case 0x110, 0x111: out = Array("d".utf8)
            default: break
            }
            return out.isEmpty ? .ignore : .word(out)
        }
        switch p.generalCategory {
        case .otherSymbol, .modifierSymbol: return .symbol
        default: return .separator
        }
    }

    @inline(__always) static func scalarClass(_ v: UInt32) -> ScalarClass {
        if v < 0x3000 { return table[Int(v)] }
        guard let s = Unicode.Scalar(v) else { return .separator }
        return classify(s)
    }

    /// Normalizes `input` into `out` (which is cleared first).
    public func normalize<C: RandomAccessCollection>(_ input: C, into out: inout NormalizedText) where C.Element == UInt8, C.Index == Int {
        out.removeAll()
        var i = input.startIndex
        let end = input.endIndex
        var pendingSpace = false
        @inline(__always) func emit(_ byte: UInt8, _ s: Int, _ e: Int) {
            out.bytes.append(byte)
            out.origin.append(Int32(truncatingIfNeeded: s))
            out.originEnd.append(Int32(truncatingIfNeeded: e))
        }
        @inline(__always) func space(_ s: Int) {
            if pendingSpace, !out.bytes.isEmpty { emit(0x20, s, s) }
            pendingSpace = false
        }
        while i < end {
            let c = input[i]
            let start = i
            // Fast path: ASCII.
            if c < 0x80 {
                i += 1
                if c >= 0x61 && c <= 0x7A || c >= 0x30 && c <= 0x39 {
                    space(start)
                    emit(c, start, i)
                } else if c >= 0x41 && c <= 0x5A {
                    space(start)
                    emit(c + 0x20, start, i)
                } else {
                    pendingSpace = true
                }
                continue
            }
            let (v, n) = decodeScalar(input, at: i)
            i += n
            guard let v else {
                pendingSpace = true
                continue
            }
            switch Normalizer.scalarClass(v) {
            case .word(let bytes):
                space(start)
                for b in bytes { emit(b, start, i) }
            case .symbol:
                pendingSpace = true
                space(start)
                for k in start..<i { emit(input[k], start, i) }
                pendingSpace = true
            case .ignore:
                continue
            case .separator:
                pendingSpace = true
            }
        }
    }

    /// Normalizes a string and returns the normalized string (for rule terms).
    public func normalize(_ s: String) -> String {
        var out = NormalizedText()
        normalize(Array(s.utf8), into: &out)
        return out.string
    }
}

/// Decodes one UTF-8 scalar at `i`; returns nil and a length of 1 for an invalid byte.
@inline(__always)
func decodeScalar<C: RandomAccessCollection>(_ b: C, at i: Int) -> (UInt32?, Int) where C.Element == UInt8, C.Index == Int {
    let c = b[i]
    let end = b.endIndex
    if c < 0x80 { return (UInt32(c), 1) }
    var need = 0
    var v: UInt32 = 0
    if c & 0xE0 == 0xC0, c >= 0xC2 {
        need = 1
        v = UInt32(c & 0x1F)
    } else if c & 0xF0 == 0xE0 {
        need = 2
        v = UInt32(c & 0x0F)
    } else if c & 0xF8 == 0xF0, c <= 0xF4 {
        need = 3
        v = UInt32(c & 0x07)
    } else {
        return (nil, 1)
    }
    if i + need >= end { return (nil, 1) }
    for k in 1...need {
        let n = b[i + k]
        if n & 0xC0 != 0x80 { return (nil, 1) }
        v = (v << 6) | UInt32(n & 0x3F)
    }
    let minimum: UInt32 = need == 1 ? 0x80 : need == 2 ? 0x800 : 0x10000
    if v < minimum || v > 0x10FFFF || (0xD800...0xDFFF).contains(v) { return (nil, 1) }
    return (v, need + 1)
}
