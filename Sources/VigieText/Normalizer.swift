import Foundation
import VigieCore

/// Text after normalization, with a map back to the original bytes.
///
/// `bytes` holds folded words separated by single spaces. For every byte of `bytes`,
/// `origin[i]` is the offset in the original text of the first character it came from and
/// `originEnd[i]` the offset just past the last one, so a match `s..<e` maps back to
/// `origin[s]..<originEnd[e-1]` in the original.
public struct NormalizedText {
    /// The normalized UTF-8 bytes.
    public var bytes: [UInt8] = []
    /// Original start offset of each normalized byte.
    public var origin: [Int32] = []
    /// Original end offset of each normalized byte.
    public var originEnd: [Int32] = []
    /// For each normalized byte, how many identical letters of the source it stands for (1 unless
    /// the repeats stage collapsed a run), plus ``NormalizedText/evasive`` when its word showed
    /// evasion (leetspeak, spaced letters). Matching uses it to tell `perro` from `pero`.
    public var runs: [UInt8] = []
    /// The flag set in ``runs`` for bytes of an obfuscated word.
    public static let evasive: UInt8 = 0x80
    /// Whether ``origin`` and ``originEnd`` were kept (the engine skips them unless a trace or a
    /// `{match}` placeholder needs them).
    public var hasOrigins = true
    /// The language evidence in the text, when it was asked for.
    public var languages = LanguageScore()
    /// Room the normalizer writes into before copying the result to the arrays above, kept from
    /// one text to the next (a copy of this value shares it: use one per thread).
    package var scratch: NormalizerScratch?

    /// Creates an empty buffer.
    public init() {}

    /// Empties the buffers, keeping their capacity.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        origin.removeAll(keepingCapacity: true)
        originEnd.removeAll(keepingCapacity: true)
        runs.removeAll(keepingCapacity: true)
    }

    /// The original byte range of the normalized range `s..<e`.
    public func originalRange(_ s: Int, _ e: Int) -> Range<Int> {
        guard s < e, e <= bytes.count else { return 0..<0 }
        return Int(origin[s])..<Int(originEnd[e - 1])
    }

    /// The normalized text as a string.
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Sets ``bytes`` and ``runs`` to `view` (what ``Normalizer/normalize(buffer:into:origins:languages:arrays:)``
    /// returned), without origins.
    package mutating func fill(from view: (bytes: UnsafeBufferPointer<UInt8>, runs: UnsafeBufferPointer<UInt8>)) {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: view.bytes)
        runs.removeAll(keepingCapacity: true)
        runs.append(contentsOf: view.runs)
        // (Emptying an empty array would replace its shared empty storage on every text.)
        if !origin.isEmpty { origin.removeAll(keepingCapacity: true) }
        if !originEnd.isEmpty { originEnd.removeAll(keepingCapacity: true) }
        hasOrigins = false
    }
}

/// The normalizer's working room: four raw buffers written byte by byte (no bounds or
/// uniqueness checks), then copied once into a ``NormalizedText``.
package final class NormalizerScratch {
    package let capacity: Int
    /// Classes of scalars above ``ScalarTable/limit`` met so far, at most ``highLimit``.
    @exclusivity(unchecked) package var high: [UInt32: ScalarClass] = [:]
    package static let highLimit = 1 << 16
    package let bytes: UnsafeMutablePointer<UInt8>
    package let origin: UnsafeMutablePointer<Int32>
    package let originEnd: UnsafeMutablePointer<Int32>
    package let runs: UnsafeMutablePointer<UInt8>

    package init(capacity: Int) {
        self.capacity = capacity
        // Eight bytes past the end: a word is read as one integer for language detection.
        bytes = .allocate(capacity: capacity + 8)
        origin = .allocate(capacity: capacity)
        originEnd = .allocate(capacity: capacity)
        runs = .allocate(capacity: capacity)
    }

    deinit {
        bytes.deallocate()
        origin.deallocate()
        originEnd.deallocate()
        runs.deallocate()
    }
}

/// The stages of normalization. Each can be turned off for a rule set (`normalize except ...`).
public struct NormalizationStages: OptionSet, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Unicode compatibility folding (NFKC/NFKD): fullwidth, mathematical, enclosed letters, ligatures.
    public static let compatibility = NormalizationStages(rawValue: 1 << 0)
    /// Removal of zero-width characters, bidi controls, soft hyphens and variation selectors.
    public static let invisible = NormalizationStages(rawValue: 1 << 1)
    /// Cyrillic, Greek, small-capital and other look-alike letters to their Latin letter.
    public static let confusables = NormalizationStages(rawValue: 1 << 2)
    /// Lower-casing.
    public static let caseFold = NormalizationStages(rawValue: 1 << 3)
    /// Removal of accents and other combining marks (`é` → `e`, `ñ` → `n`, `ç` → `c`).
    public static let accents = NormalizationStages(rawValue: 1 << 4)
    /// `4→a 3→e 1→i 0→o 5→s 7→t @→a $→s`, only inside words that also have letters.
    public static let leetspeak = NormalizationStages(rawValue: 1 << 5)
    /// Runs of the same letter collapse to one (`nuuuul` → `nul`), in text and terms alike.
    public static let repeats = NormalizationStages(rawValue: 1 << 6)
    /// Three or more single letters split by spaces, dots or dashes join (`n.a.z.e` → `naze`).
    public static let spacing = NormalizationStages(rawValue: 1 << 7)
    /// Texting spellings count as the words they stand for (`jvais` for `je vais`, `ntm`, `xq`,
    /// `u`): applied to the terms of `has` when rules compile, from the tables of
    /// `Sources/VigieText/Data/Texting.swift`.
    public static let texting = NormalizationStages(rawValue: 1 << 8)
    /// A short word glued to the next one counts as the two (`jdeteste`, `larabe`): applied to
    /// the terms of `has` when rules compile, from the `glue:` lines of the texting tables.
    public static let glued = NormalizationStages(rawValue: 1 << 9)

    /// Every stage (the default).
    public static let all: NormalizationStages = [.compatibility, .invisible, .confusables, .caseFold, .accents, .leetspeak, .repeats, .spacing, .texting, .glued]
    /// What `exact` rules use: Unicode, case and accent folding only.
    public static let minimal: NormalizationStages = [.compatibility, .invisible, .caseFold, .accents]

    /// Stage names in pipeline order, as written in rule files and shown by `explain`.
    public static let named: [(String, NormalizationStages)] = [
        ("compatibility", .compatibility), ("invisible", .invisible), ("confusables", .confusables), ("case", .caseFold),
        ("accents", .accents), ("leetspeak", .leetspeak), ("repeats", .repeats), ("spacing", .spacing),
        ("texting", .texting), ("glued", .glued),
    ]
}

/// How one Unicode scalar is treated by the normalizer.
package enum ScalarClass: Sendable {
    /// A letter: contributes its folded bytes to a word.
    case letter([UInt8])
    /// A digit.
    case digit(UInt8)
    /// A symbol such as an emoji: a word of its own.
    case symbol
    /// Removed entirely (zero-width, bidi controls, combining marks, variation selectors).
    case ignore
    /// Separates words (spaces, punctuation, controls).
    case separator
}

/// The per-scalar fold table for one set of stages, for U+0000..U+2FFF (computed once), kept
/// flat so the normalizer's loop reads two integers per scalar and never touches a reference.
package final class ScalarTable: @unchecked Sendable {
    package let stages: NormalizationStages
    /// Kind of each scalar below ``limit``: one of the `kind…` constants.
    package let kinds: UnsafeMutablePointer<UInt8>
    /// Where each scalar's folded bytes start in ``folds`` (letters and digits), and how many there are.
    package let foldStart: UnsafeMutablePointer<UInt32>
    package let foldCount: UnsafeMutablePointer<UInt8>
    /// Every letter's folded bytes, end to end.
    package let folds: UnsafeMutablePointer<UInt8>
    /// For each scalar of U+0080–U+017F (at `scalar - 0x80`): the one ASCII letter it folds to
    /// when it is a letter that folds to exactly one (`é` → `e`), else 0. Such letters are read
    /// inside a run of ASCII letters (see `Builder.asciiLetters`).
    package let latin: UnsafeMutablePointer<UInt8>
    package static let limit = 0x3000
    package static let kindLetter: UInt8 = 0, kindDigit: UInt8 = 1, kindSymbol: UInt8 = 2, kindIgnore: UInt8 = 3, kindSeparator: UInt8 = 4

    package init(stages: NormalizationStages) {
        self.stages = stages
        let n = ScalarTable.limit
        kinds = .allocate(capacity: n)
        foldStart = .allocate(capacity: n)
        foldCount = .allocate(capacity: n)
        var bytes: [UInt8] = []
        for v in 0..<n {
            let c: ScalarClass = Unicode.Scalar(v).map { ScalarTable.classify($0, stages) } ?? .separator
            foldStart[v] = UInt32(bytes.count)
            foldCount[v] = 0
            switch c {
            case .letter(let b):
                kinds[v] = ScalarTable.kindLetter
                foldCount[v] = UInt8(b.count)
                bytes += b
            case .digit(let d):
                kinds[v] = ScalarTable.kindDigit
                foldCount[v] = 1
                bytes.append(d)
            case .symbol: kinds[v] = ScalarTable.kindSymbol
            case .ignore: kinds[v] = ScalarTable.kindIgnore
            case .separator: kinds[v] = ScalarTable.kindSeparator
            }
        }
        folds = .allocate(capacity: max(1, bytes.count))
        folds.initialize(from: bytes, count: bytes.count)
        latin = .allocate(capacity: 0x100)
        for v in 0x80..<0x180 {
            let f = foldCount[v] == 1 ? bytes[Int(foldStart[v])] : 0
            latin[v - 0x80] = kinds[v] == ScalarTable.kindLetter && Builder.isLetter(f) ? f : 0
        }
    }

    deinit {
        kinds.deallocate()
        foldStart.deallocate()
        foldCount.deallocate()
        folds.deallocate()
        latin.deallocate()
    }

    package static let lock = NSLock()
    package nonisolated(unsafe) static var cache: [UInt16: ScalarTable] = [:]

    package static func shared(_ stages: NormalizationStages) -> ScalarTable {
        lock.lock()
        defer { lock.unlock() }
        if let t = cache[stages.rawValue] { return t }
        let t = ScalarTable(stages: stages)
        cache[stages.rawValue] = t
        return t
    }

    /// The class of a scalar at or above ``limit`` (rare: emoji, CJK and the like).
    package func classOfHigh(_ v: UInt32) -> ScalarClass {
        if v >= 0xFE00, v <= 0xFE0F { return stages.contains(.invisible) ? .ignore : .separator }
        // Emoji and pictographs: words of their own (skin-tone modifiers are dropped).
        if v >= 0x1F300, v <= 0x1FAFF {
            return v >= 0x1F3FB && v <= 0x1F3FF && stages.contains(.invisible) ? .ignore : .symbol
        }
        guard let s = Unicode.Scalar(v) else { return .separator }
        return ScalarTable.classify(s, stages)
    }

    /// Latin look-alikes of letters from other scripts (applied after compatibility folding).
    package static let confusables: [UInt32: String] = {
        var m: [UInt32: String] = [:]
        let pairs: [(String, String)] = [
            // Cyrillic
            ("аАӓ", "a"), ("вВ", "b"), ("сСϲϹ", "c"), ("ԁ", "d"), ("еЕёЁэ", "e"), ("һҺ", "h"), ("іІїЇӏ", "i"), ("јЈ", "j"), ("кКќ", "k"),
            ("мМ", "m"), ("нН", "h"), ("оОӧ", "o"), ("рР", "p"), ("ѕЅ", "s"), ("тТ", "t"), ("уУўЎ", "y"), ("хХ", "x"), ("ԝԜ", "w"), ("ɡ", "g"),
            ("пП", "n"), ("гГ", "r"), ("ьЬ", "b"), ("зЗ", "3"), ("ч", "4"), ("ш", "w"), ("иИ", "u"),
            // Greek
            ("αΑά", "a"), ("βΒ", "b"), ("εΕέΞξ", "e"), ("ζΖ", "z"), ("ηΗή", "n"), ("ιΙίϊΐ", "i"), ("κΚ", "k"), ("μΜ", "m"), ("νΝ", "v"),
            ("οΟό", "o"), ("ρΡ", "p"), ("τΤ", "t"), ("υΥύϋ", "u"), ("χΧ", "x"), ("ωώΩ", "w"), ("γ", "y"), ("θΘ", "o"), ("λ", "a"), ("σςΣ", "s"),
            ("π", "n"), ("δ", "d"), ("φΦ", "o"),
            // Latin extensions and IPA that read as plain letters
            ("ɨƗ", "i"), ("ɩƖ", "i"), ("ƙƘ", "k"), ("ƐɛƏə", "e"), ("ƉɖƊɗđĐ", "d"), ("ƅ", "b"), ("ɑ", "a"), ("ɔƆ", "o"), ("ʋ", "u"), ("ɾɼ", "r"),
            ("ſ", "s"), ("ı", "i"), ("ȷ", "j"), ("ʏ", "y"), ("ʜ", "h"), ("ɪ", "i"), ("ʟ", "l"), ("ɴ", "n"), ("ʀ", "r"), ("ɢ", "g"), ("ʙ", "b"),
            // Small capitals
            ("ᴀ", "a"), ("ᴄ", "c"), ("ᴅ", "d"), ("ᴇ", "e"), ("ғ", "f"), ("ᴊ", "j"), ("ᴋ", "k"), ("ᴍ", "m"), ("ᴏ", "o"), ("ᴘ", "p"), ("ꜱ", "s"),
            ("ᴛ", "t"), ("ᴜ", "u"), ("ᴠ", "v"), ("ᴡ", "w"), ("ᴢ", "z"),
            // Canadian syllabics and other shapes used as letters
            ("ᑭ", "p"), ("ᗪ", "d"), ("ᗩ", "a"), ("ᑕ", "c"), ("ᕼ", "h"), ("ᒪ", "l"), ("ᑎ", "n"), ("ᖇ", "r"), ("ᔕ", "s"), ("ᗯ", "w"), ("ᗷ", "b"), ("ᘜ", "g"), ("ᓰ", "i"),
        ]
        for (chars, latin) in pairs { for s in chars.unicodeScalars { m[s.value] = latin } }
        return m
    }()

    package static func isMark(_ gc: Unicode.GeneralCategory) -> Bool {
        gc == .nonspacingMark || gc == .enclosingMark || gc == .spacingMark
    }

    package static func classify(_ s: Unicode.Scalar, _ stages: NormalizationStages) -> ScalarClass {
        let v = s.value
        if v < 0x80 {
            switch v {
            case 0x41...0x5A: return .letter([UInt8(stages.contains(.caseFold) ? v + 0x20 : v)])
            case 0x61...0x7A: return .letter([UInt8(v)])
            case 0x30...0x39: return .digit(UInt8(v))
            default: return .separator
            }
        }
        let p = s.properties
        if stages.contains(.invisible) {
            if p.generalCategory == .format || v == 0xAD || (0xFE00...0xFE0F).contains(v) || (0xE0100...0xE01EF).contains(v) || (0x1F3FB...0x1F3FF).contains(v) || v == 0x034F {
                return .ignore
            }
        }
        switch p.generalCategory {
        case .control, .spaceSeparator, .lineSeparator, .paragraphSeparator: return .separator
        case .nonspacingMark, .enclosingMark, .spacingMark: return stages.contains(.accents) ? .ignore : .letter(Array(String(Character(s)).utf8))
        default: break
        }
        guard p.isAlphabetic || p.numericType != nil else {
            switch p.generalCategory {
            case .otherSymbol, .modifierSymbol: return .symbol
            default: return .separator
            }
        }
        // Compatibility decomposition (or canonical only), then confusables, marks, case.
        var decomposed = String(Character(s))
        if stages.contains(.compatibility) {
            decomposed = decomposed.decomposedStringWithCompatibilityMapping
        } else if stages.contains(.accents) {
            decomposed = decomposed.decomposedStringWithCanonicalMapping
        }
        var out: [UInt8] = []
        var onlyDigit: UInt8? = nil
        for d in decomposed.unicodeScalars {
            if isMark(d.properties.generalCategory) {
                if !stages.contains(.accents) { out += Array(String(d).utf8) }
                continue
            }
            if d.properties.generalCategory == .format { continue }
            if stages.contains(.confusables), let latin = confusables[d.value] {
                out += Array(latin.utf8)
                continue
            }
            if d.value >= 0x30, d.value <= 0x39, decomposed.unicodeScalars.count == 1 || stages.contains(.compatibility) {
                onlyDigit = UInt8(d.value)
                out.append(UInt8(d.value))
                continue
            }
            let mapped = stages.contains(.caseFold) ? d.properties.lowercaseMapping : String(d)
            out += Array(mapped.utf8)
        }
        // Letters that read as two Latin letters, or have a stroke instead of a mark.
        if stages.contains(.accents) {
            switch v {
            case 0xDF, 0x1E9E: out = Array("ss".utf8)
            case 0xC6, 0xE6: out = Array("ae".utf8)
            case 0x152, 0x153: out = Array("oe".utf8)
            case 0xD8, 0xF8: out = Array("o".utf8)
            case 0x141, 0x142: out = Array("l".utf8)
            case 0x110, 0x111: out = Array("d".utf8)
            default: break
            }
        }
        if out.isEmpty { return .ignore }
        if out.count == 1, let d = onlyDigit { return .digit(d) }
        return .letter(out)
    }
}

/// The normalization pipeline: named stages (see ``NormalizationStages``), always followed by
/// collapsing every run of spaces and punctuation into one space.
///
/// Comments and rule terms go through the same function, so `has "nazes"` catches `N4ZΞS`,
/// `n.a.z.e.s` and `ɴᴀᴢᴇꜱ`. ASCII runs through byte tables; other scalars through a table
/// computed once for U+0000–U+2FFF. Every output byte keeps the range of original bytes it
/// comes from.
public struct Normalizer: @unchecked Sendable {
    /// The stages applied.
    public let stages: NormalizationStages
    /// Not reference counted: every table is kept for the life of the process by
    /// ``ScalarTable/shared(_:)``, and a normalizer is copied on every call from a class.
    package unowned(unsafe) let table: ScalarTable
    /// Whether runs of ASCII letters are read eight bytes at a time (tests turn it off to compare
    /// with the byte-by-byte path).
    package var wide = true
    /// The table's arrays, read without touching the shared table's reference count (the table
    /// is immutable and kept alive by `table`, hence `@unchecked Sendable`).
    package let kinds: UnsafeMutablePointer<UInt8>
    package let foldStart: UnsafeMutablePointer<UInt32>
    package let foldCount: UnsafeMutablePointer<UInt8>
    package let folds: UnsafeMutablePointer<UInt8>
    package let latin: UnsafeMutablePointer<UInt8>
    package let languageTables = LanguageDetector.tables

    /// Creates a normalizer with the given stages (all by default).
    public init(stages: NormalizationStages = .all) {
        self.stages = stages
        self.table = ScalarTable.shared(stages)
        kinds = table.kinds
        foldStart = table.foldStart
        foldCount = table.foldCount
        folds = table.folds
        latin = table.latin
    }

    @inline(__always) package static func leet(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0"): return UInt8(ascii: "o")
        case UInt8(ascii: "1"): return UInt8(ascii: "i")
        case UInt8(ascii: "3"): return UInt8(ascii: "e")
        case UInt8(ascii: "4"), UInt8(ascii: "@"): return UInt8(ascii: "a")
        case UInt8(ascii: "5"), UInt8(ascii: "$"): return UInt8(ascii: "s")
        case UInt8(ascii: "7"): return UInt8(ascii: "t")
        default: return nil
        }
    }

    /// Normalizes `input` into `out` (which is cleared first). Without `origins`, the map back
    /// to the original bytes is not kept; with `languages`, `out.languages` gets the text's
    /// language evidence.
    public func normalize<C: RandomAccessCollection>(_ input: C, into out: inout NormalizedText, origins: Bool = true, languages: Bool = false)
    where C.Element == UInt8, C.Index == Int {
        let done: Void? = input.withContiguousStorageIfAvailable { _ = normalize(buffer: $0, into: &out, origins: origins, languages: languages) }
        if done == nil { Array(input).withUnsafeBufferPointer { _ = normalize(buffer: $0, into: &out, origins: origins, languages: languages) } }
    }

    /// Normalizes raw bytes. The output arrays are sized once, written through pointers
    /// (no append, no uniqueness check per byte), then cut to length: in the steady state a
    /// comment allocates nothing. Folding can lengthen a text (`ß` → `ss`, ligatures); if the
    /// room runs out the pass starts over with twice the room.
    ///
    /// Returns the normalized bytes and their runs as they are in the scratch room of `out`:
    /// the same as `out.bytes` and `out.runs`, readable without retaining those arrays, and
    /// valid until `out` is normalized into again (or dropped). Without `arrays` (and without
    /// `origins`), `out`'s arrays are left as they were: the caller reads the room, and fills
    /// them with ``NormalizedText/fill(from:)`` if it needs them.
    @discardableResult
    package func normalize(buffer input: UnsafeBufferPointer<UInt8>, into out: inout NormalizedText, origins: Bool = true, languages: Bool = false, arrays: Bool = true)
        -> (bytes: UnsafeBufferPointer<UInt8>, runs: UnsafeBufferPointer<UInt8>) {
        var room = input.count * 2 + 64
        while true {
            if out.scratch == nil || out.scratch!.capacity < room {
                let known = out.scratch?.high ?? [:]
                out.scratch = NormalizerScratch(capacity: room)
                out.scratch!.high = known
            }
            // Not retained: `out` keeps it for the whole pass.
            unowned(unsafe) let m = out.scratch!
            var b = Builder(stages: stages, bytes: m.bytes, origin: m.origin, originEnd: m.originEnd, runs: m.runs, capacity: m.capacity, latin: latin)
            b.wide = wide
            b.origins = origins
            b.scoring = languages
            b.tables = languageTables
            run(input, &b, Unmanaged.passUnretained(m))
            if !b.overflow {
                let n = b.count
                let view = (UnsafeBufferPointer(start: m.bytes, count: n), UnsafeBufferPointer(start: m.runs, count: n))
                out.languages = b.score
                guard arrays || origins else {
                    out.hasOrigins = false
                    return view
                }
                out.fill(from: view)
                if origins {
                    out.origin.append(contentsOf: UnsafeBufferPointer(start: m.origin, count: n))
                    out.originEnd.append(contentsOf: UnsafeBufferPointer(start: m.originEnd, count: n))
                    out.hasOrigins = true
                }
                return view
            }
            room = m.capacity * 2
        }
    }

    private func run(_ input: UnsafeBufferPointer<UInt8>, _ b: inout Builder, _ scratch: Unmanaged<NormalizerScratch>) {
        var i = 0
        let end = input.count
        let leetOn = stages.contains(.leetspeak)
        let lowerASCII = stages.contains(.caseFold)
        let invisibleOn = stages.contains(.invisible)
        let kinds = self.kinds
        let foldStart = self.foldStart
        let foldCount = self.foldCount
        let folds = self.folds
        while i < end {
            let c = input[i]
            let start = Int32(truncatingIfNeeded: i)
            if c < 0x80 {
                if (c | 0x20) >= 0x61, (c | 0x20) <= 0x7A {
                    // The start of a word from one load (often the whole word); the rest
                    // of a run of ASCII letters in a tight loop.
                    if lowerASCII, !b.inToken, b.wide {
                        let k = b.plainRun(input, from: i)
                        if k > i {
                            i = k
                            continue
                        }
                    }
                    i = b.asciiLetters(input, from: i, lowerCase: lowerASCII)
                    continue
                }
                i += 1
                let e = Int32(truncatingIfNeeded: i)
                if c >= 0x30 && c <= 0x39 {
                    b.digit(c, start, e)
                } else if leetOn, c == UInt8(ascii: "$") || (c == UInt8(ascii: "@") && b.inToken) {
                    b.leetSymbol(c, start, e)
                } else {
                    b.separator(c)
                }
                continue
            }
            // A Latin letter of two bytes that folds to one ASCII letter (`é`, `ñ`, `ç`): read
            // with the ASCII letters around it, as one run.
            if b.wide, c &- 0xC2 < 4, i &+ 1 < end, input[i &+ 1] & 0xC0 == 0x80, latin[Int(c & 0x1F) &<< 6 | Int(input[i &+ 1] & 0x3F) &- 0x80] != 0 {
                if lowerASCII, !b.inToken {
                    let k = b.plainRun(input, from: i)
                    if k > i {
                        i = k
                        continue
                    }
                }
                i = b.asciiLetters(input, from: i, lowerCase: lowerASCII)
                continue
            }
            let (decoded, n) = decodeScalar(input, at: i)
            i += n
            let e = Int32(truncatingIfNeeded: i)
            guard let v = decoded else {
                b.separator(0xFF)
                continue
            }
            if v < UInt32(ScalarTable.limit) {
                let x = Int(v)
                if b.scoring, x < 0x180 {
                    let d = b.tables.accents[x &- 0x80]
                    b.score.fr &+= Int(d & 0xF)
                    b.score.es &+= Int(d &>> 4)
                }
                switch kinds[x] {
                case ScalarTable.kindLetter:
                    let f = Int(foldStart[x])
                    let k = Int(foldCount[x])
                    if !b.inToken { b.startToken(start) }
                    b.hasLetter = true
                    for j in f..<(f + k) { b.put(folds[j], start, e) }
                case ScalarTable.kindDigit: b.digit(folds[Int(foldStart[x])], start, e)
                case ScalarTable.kindSymbol: b.symbol(input, start, e)
                case ScalarTable.kindIgnore: continue
                default: b.separator(0xFF)
                }
                continue
            }
            // Emoji and variation selectors, the most common scalars above the table, are
            // classified by their range alone (what `classOfHigh` says, without a lookup).
            if v >= 0x1F300, v <= 0x1FAFF, v < 0x1F3FB || v > 0x1F3FF {
                b.symbol(input, start, e)
                continue
            }
            if v >= 0xFE00, v <= 0xFE0F, invisibleOn { continue }
            // Above the table (CJK, Hangul...): classified once per scalar and kept, since
            // classifying goes through Unicode decomposition (about a microsecond).
            let high: ScalarClass
            let m = scratch.takeUnretainedValue()
            if let known = m.high[v] {
                high = known
            } else {
                high = table.classOfHigh(v)
                if m.high.count < NormalizerScratch.highLimit { m.high[v] = high }
            }
            switch high {
            case .letter(let bytes): b.letters(bytes, start, e)
            case .digit(let d): b.digit(d, start, e)
            case .symbol: b.symbol(input, start, e)
            case .ignore: continue
            case .separator: b.separator(0xFF)
            }
        }
        b.endToken()
        b.joinSingles()
    }

    /// Normalizes a string and returns the normalized string (for rule terms).
    public func normalize(_ s: String) -> String {
        var out = NormalizedText()
        normalize(Array(s.utf8), into: &out)
        return out.string
    }

    /// What a term matches as: its normalized text with each collapsed letter written as many
    /// times as it stood for (at most three). Two terms with the same key match the same texts.
    public func matchKey(_ s: String) -> String {
        var out = NormalizedText()
        normalize(Array(s.utf8), into: &out)
        var key: [UInt8] = []
        for (b, r) in zip(out.bytes, out.runs) {
            for _ in 0..<max(1, min(3, Int(r & 0x7F))) { key.append(b) }
        }
        return String(decoding: key, as: UTF8.self)
    }

    /// The text after each stage that changed it, in pipeline order (for `explain`).
    public func stageTexts(_ s: String) -> [(stage: String, text: String)] {
        var result: [(String, String)] = []
        var applied: NormalizationStages = []
        var previous = Normalizer(stages: []).normalize(s)
        for (name, stage) in NormalizationStages.named where stages.contains(stage) {
            applied.insert(stage)
            let now = Normalizer(stages: applied).normalize(s)
            if now != previous { result.append((name, now)) }
            previous = now
        }
        return result
    }
}

extension Normalizer {
    /// Whether the 128-bit set `set` holds the ASCII byte `c`.
    @inline(__always) package static func contains(_ set: (UInt64, UInt64), _ c: UInt8) -> Bool {
        let word = c < 64 ? set.0 : set.1
        return (word &>> UInt64(c & 63)) & 1 != 0
    }

    /// The ASCII bytes that separate words right after a plain word, as a 128-bit set: all but
    /// letters, digits and `$` (a letter in leetspeak; `@` is one only inside a word). A
    /// constant (a static stored property would be read through its lazy initializer); a test
    /// checks it against its definition.
    @inline(__always) package static var separators: (UInt64, UInt64) { (0xFC00_FFEF_FFFF_FFFF, 0xF800_0001_F800_0001) }
    /// The separators that may sit inside a spaced-out word (`n.a.z.e`, `n-a-z-e`): ` .-_*`.
    @inline(__always) package static var joinableSeparators: (UInt64, UInt64) { (0x6401_0000_0000, 0x8000_0000) }
    /// The separators that end a plain word: all but `@`, which is a letter inside a word.
    @inline(__always) package static var wordEnds: (UInt64, UInt64) { (0xFC00_FFEF_FFFF_FFFF, 0xF800_0001_F800_0000) }
}

/// The two settings ``Builder/plainRun(_:from:)`` is compiled for, as types: one specialized
/// copy of the loop per setting, with its flags constant.
private protocol PlainRunFlags { static var origins: Bool { get }; static var scoring: Bool { get } }
private protocol Flag { static var value: Bool { get } }
private enum True: Flag { static var value: Bool { true } }
private enum False: Flag { static var value: Bool { false } }
private enum PlainFlags<Origins: Flag, Scoring: Flag>: PlainRunFlags {
    static var origins: Bool { Origins.value }
    static var scoring: Bool { Scoring.value }
}

/// Builds the normalized text in place: bytes are written as they come, and a token is fixed up
/// when it ends (leetspeak, then repeats again); runs of three or more single letters are
/// joined when the run ends. Writes through raw pointers into room sized by the caller; when a
/// write would pass `capacity` it sets `overflow` and writes nothing more.
private struct Builder {
    package let stages: NormalizationStages
    package let repeatsOn: Bool
    package let spacingOn: Bool
    package let leetOn: Bool
    package let bytes: UnsafeMutablePointer<UInt8>
    package let origin: UnsafeMutablePointer<Int32>
    package let originEnd: UnsafeMutablePointer<Int32>
    package let runs: UnsafeMutablePointer<UInt8>
    package let capacity: Int
    /// See ``Normalizer/wide``.
    package var wide = true
    /// Whether origins are written (see ``NormalizedText/hasOrigins``).
    package var origins = true
    /// Whether each finished word is scored for language detection, into `score`.
    package var scoring = false
    package var tables = LanguageDetector.tables
    /// See ``ScalarTable/latin``.
    package let latin: UnsafeMutablePointer<UInt8>
    package var score = LanguageScore()
    /// The current token's first eight bytes as one integer, kept as they are written: reading
    /// them back from memory right after byte-sized stores would stall on store forwarding.
    package var wordKey: UInt64 = 0
    /// Bytes written.
    package var count = 0
    package var overflow = false
    /// Inside a token; where it starts in `bytes`; what it holds.
    package var inToken = false
    package var tokenStart = 0
    package var hasLetter = false
    package var hasLeet = false
    package var scalars = 0
    package var lastScalarStart: Int32 = -1
    /// Separator characters since the last token, and whether they may sit inside a spaced word.
    package var sepRun = 0
    package var sepJoinable = true
    /// Consecutive single-letter tokens just emitted, and where the first starts.
    package var singles = 0
    package var singlesStart = 0

    package init(stages: NormalizationStages, bytes: UnsafeMutablePointer<UInt8>, origin: UnsafeMutablePointer<Int32>, originEnd: UnsafeMutablePointer<Int32>,
         runs: UnsafeMutablePointer<UInt8>, capacity: Int, latin: UnsafeMutablePointer<UInt8>) {
        self.stages = stages
        repeatsOn = stages.contains(.repeats)
        spacingOn = stages.contains(.spacing)
        leetOn = stages.contains(.leetspeak)
        self.bytes = bytes
        self.origin = origin
        self.originEnd = originEnd
        self.runs = runs
        self.capacity = capacity
        self.latin = latin
    }

    @inline(__always) package static func isLetter(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }

    @inline(__always) package mutating func append(_ c: UInt8, _ s: Int32, _ e: Int32, _ r: UInt8) {
        guard count < capacity else {
            overflow = true
            return
        }
        bytes[count] = c
        if origins {
            origin[count] = s
            originEnd[count] = e
        }
        runs[count] = r
        count += 1
    }

    /// Starts a token: a space first unless the text is empty.
    @inline(__always) package mutating func startToken(_ s: Int32) {
        if count > 0 { append(0x20, s, s, 1) }
        inToken = true
        tokenStart = count
        hasLetter = false
        hasLeet = false
        scalars = 0
        lastScalarStart = -1
        wordKey = 0
    }

    /// Appends one byte of the current token, collapsing a repeated letter.
    /// Adds `bytes` (the low `length` bytes of it) written at `n` to ``wordKey``.
    @inline(__always) package mutating func keyBytes(_ bytes: UInt64, _ length: Int, at n: Int) {
        let at = n &- tokenStart
        guard at < 8 else { return }
        let kept = length >= 8 ? bytes : bytes & ((1 &<< UInt64(length &* 8)) &- 1)
        wordKey |= kept &<< UInt64(at &* 8)
    }

    @inline(__always) package mutating func put(_ c: UInt8, _ s: Int32, _ e: Int32) {
        if s != lastScalarStart {
            scalars += 1
            lastScalarStart = s
        }
        if repeatsOn, Builder.isLetter(c), count > tokenStart, bytes[count - 1] == c {
            if origins { originEnd[count - 1] = e }
            if runs[count - 1] & 0x7F < 0x7F { runs[count - 1] += 1 }
            return
        }
        keyBytes(UInt64(c), 1, at: count)
        append(c, s, e, 1)
    }

    /// How many of the eight bytes of `w` (in memory order) are ASCII letters before the first
    /// that is not.
    @inline(__always) package static func leadingLetters(_ w: UInt64) -> Int {
        let y = (w | 0x2020_2020_2020_2020) & 0x7F7F_7F7F_7F7F_7F7F
        let letter = (y &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(y &+ 0x0505_0505_0505_0505) & ~w & 0x8080_8080_8080_8080
        let other = ~letter & 0x8080_8080_8080_8080
        return other == 0 ? 8 : other.trailingZeroBitCount &>> 3
    }

    /// The eight bytes at `p`, lower-cased (`x`: valid for the leading letters only), how many
    /// leading ASCII letters they have, and how many of those come before the first that
    /// repeats the letter before it (`previous` for the first; none with `repeatsOn` off):
    /// those can be written at once.
    @inline(__always) package static func block(_ p: UnsafePointer<UInt8>, after previous: UInt8, repeatsOn: Bool) -> (x: UInt64, letters: Int, bulk: Int) {
        let w = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
        let letters = leadingLetters(w)
        let x = w | 0x2020_2020_2020_2020
        let repeats = repeatsOn ? zeroBytes(x ^ (x &<< 8 | UInt64(previous))) : 0
        return (x, letters, repeats == 0 ? letters : min(letters, repeats.trailingZeroBitCount &>> 3))
    }

    /// Writes the eight lower-cased bytes `x`, read at `k` in the input, at `n`: one store for
    /// the bytes, one for their runs (1 each) and, with `origin`, two vector stores for the
    /// origins. Bytes past the letters are written too and overwritten later (`count` says what
    /// is valid), so there must be room for all eight.
    @inline(__always) package static func storeLetters(_ x: UInt64, at n: Int, from k: Int, _ bytes: UnsafeMutablePointer<UInt8>, _ runs: UnsafeMutablePointer<UInt8>,
                                               _ origin: UnsafeMutablePointer<Int32>?, _ originEnd: UnsafeMutablePointer<Int32>) {
        UnsafeMutableRawPointer(bytes + n).storeBytes(of: x, as: UInt64.self)
        UnsafeMutableRawPointer(runs + n).storeBytes(of: 0x0101_0101_0101_0101 as UInt64, as: UInt64.self)
        if let origin {
            let o = SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: k)) &+ SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
            UnsafeMutableRawPointer(origin + n).storeBytes(of: o, as: SIMD8<Int32>.self)
            UnsafeMutableRawPointer(originEnd + n).storeBytes(of: o &+ 1, as: SIMD8<Int32>.self)
        }
    }

    /// Reads a stretch of plain text from `start` (an ASCII letter, or a Latin letter of two
    /// bytes that folds to one, outside a token) and returns where it stops: words of ASCII
    /// letters and such Latin letters, each ended by ASCII punctuation or space, and the
    /// separators between them — the bulk of most comments — in one loop with its state in
    /// registers. Each word is written eight letters at a time (a letter that repeats the one
    /// before it is folded into it), scored and ended here; it needs none of the token
    /// machinery (leetspeak, spaced letters), which is exactly what the byte-by-byte steps would
    /// have done with it.
    ///
    /// It stops, leaving the state exactly as those steps would, at anything else: a digit, `$`
    /// or `@` inside a word, another scalar (the word is then left open), a single letter (left
    /// open for `endToken`, which joins spaced letters), a word that starts within eight bytes
    /// of the end, or a full room.
    package mutating func plainRun(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        // One copy of the loop for each setting of the two flags, each with its flags constant.
        switch (origins, scoring) {
        case (false, true): return plainRun(input, from: start, PlainFlags<False, True>.self)
        case (false, false): return plainRun(input, from: start, PlainFlags<False, False>.self)
        case (true, true): return plainRun(input, from: start, PlainFlags<True, True>.self)
        case (true, false): return plainRun(input, from: start, PlainFlags<True, False>.self)
        }
    }

    private mutating func plainRun<F: PlainRunFlags>(_ input: UnsafeBufferPointer<UInt8>, from start: Int, _: F.Type) -> Int {
        let origins = F.origins, scoring = F.scoring
        let base = input.baseAddress!, end = input.count
        let bytes = self.bytes, runs = self.runs, capacity = self.capacity
        var i = start
        var n = count
        while true {
            // A word starts at `i`.
            guard i &+ 8 <= end, n &+ 9 <= capacity else {
                count = n
                return i
            }
            let wordStart = i
            if n > 0 {
                bytes[n] = 0x20
                runs[n] = 1
                if origins {
                    origin[n] = Int32(truncatingIfNeeded: i)
                    originEnd[n] = Int32(truncatingIfNeeded: i)
                }
                n &+= 1
            }
            let first = n
            var previous: UInt8 = 0
            var c: UInt8
            // The letters of the word, up to the byte `c` at `i` that is not one.
            while true {
                guard i &+ 8 <= end, n &+ 8 <= capacity else {
                    return leaveOpen(input, word: wordStart, at: i, first: first, n: n)
                }
                let (x, letters, bulk) = Builder.block(base + i, after: previous, repeatsOn: repeatsOn)
                if letters > 0 {
                    if bulk > 0 {
                        Builder.storeLetters(x, at: n, from: i, bytes, runs, origins ? origin : nil, originEnd)
                        previous = UInt8(truncatingIfNeeded: x &>> UInt64((bulk &- 1) &* 8))
                        n &+= bulk
                        i &+= bulk
                    }
                    if bulk < letters {
                        // A letter that repeats the one before it: folded into it.
                        if origins { originEnd[n &- 1] = Int32(truncatingIfNeeded: i &+ 1) }
                        if runs[n &- 1] < 0x7F { runs[n &- 1] &+= 1 }
                        i &+= 1
                        continue
                    }
                    if letters == 8 { continue }
                }
                c = base[i]
                guard c &- 0xC2 < 4, i &+ 1 < end, base[i &+ 1] & 0xC0 == 0x80 else { break }
                // U+0080–U+017F: a letter that folds to one ASCII letter goes on the word.
                let scalar = Int(c & 0x1F) &<< 6 | Int(base[i &+ 1] & 0x3F)
                let f = latin[scalar &- 0x80]
                if f == 0 { return leaveOpen(input, word: wordStart, at: i, first: first, n: n) }
                if scoring {
                    let d = tables.accents[scalar &- 0x80]
                    score.fr &+= Int(d & 0xF)
                    score.es &+= Int(d &>> 4)
                }
                if repeatsOn, f == previous {
                    if origins { originEnd[n &- 1] = Int32(truncatingIfNeeded: i &+ 2) }
                    if runs[n &- 1] < 0x7F { runs[n &- 1] &+= 1 }
                } else {
                    bytes[n] = f
                    runs[n] = 1
                    if origins {
                        origin[n] = Int32(truncatingIfNeeded: i)
                        originEnd[n] = Int32(truncatingIfNeeded: i &+ 2)
                    }
                    n &+= 1
                    previous = f
                }
                i &+= 2
            }
            // What follows must end the word: ASCII, not a digit, `$` or `@`; and a single
            // letter (one byte, or two of one scalar) is left to `endToken`, which joins spaced letters.
            let length = i &- wordStart
            guard c < 0x80, Normalizer.contains(Normalizer.wordEnds, c), length > 2 || (length == 2 && base[wordStart] < 0x80) else {
                return leaveOpen(input, word: wordStart, at: i, first: first, n: n)
            }
            // The word ends here, as `endToken` would end it.
            if scoring { score.add(tables.languages(of: Builder.key(bytes, first, n)), 1) }
            if singles > 0 {
                count = n
                joinSingles()
                n = count
            }
            // The separators after it: most often one space before the next word.
            if i &+ 1 < end, base[i] == 0x20, (base[i &+ 1] | 0x20) &- 0x61 < 26 {
                sepRun = 1
                sepJoinable = true
                i &+= 1
                continue
            }
            var run = 0
            var joinable = true
            while i < end {
                c = base[i]
                guard c < 0x80, Normalizer.contains(Normalizer.separators, c) else { break }
                run &+= 1
                if !Normalizer.contains(Normalizer.joinableSeparators, c) { joinable = false }
                i &+= 1
            }
            sepRun = run
            sepJoinable = joinable
            // Another word, or back to the byte-by-byte steps.
            if i < end, (c | 0x20) &- 0x61 < 26 || (c &- 0xC2 < 4 && i &+ 1 < end && base[i &+ 1] & 0xC0 == 0x80 && latin[Int(c & 0x1F) &<< 6 | Int(base[i &+ 1] & 0x3F) &- 0x80] != 0) {
                continue
            }
            count = n
            return i
        }
    }

    /// Leaves the word that ``plainRun(_:from:)`` read from `word` to `at` open, exactly as
    /// `startToken` and ``asciiLetters(_:from:lowerCase:)`` would have left it, and returns `at`.
    private mutating func leaveOpen(_ input: UnsafeBufferPointer<UInt8>, word: Int, at: Int, first: Int, n: Int) -> Int {
        count = n
        inToken = true
        tokenStart = first
        hasLetter = true
        hasLeet = false
        let length = min(n &- first, 8)
        let head = UnsafeRawPointer(bytes + first).loadUnaligned(as: UInt64.self)
        wordKey = length >= 8 ? head : head & ((1 &<< UInt64(length &* 8)) &- 1)
        // Every byte read starts a scalar but the second of a Latin letter of two bytes.
        var scalars = 0
        var last = word
        for k in word..<at where input[k] & 0xC0 != 0x80 {
            scalars += 1
            last = k
        }
        self.scalars = scalars
        lastScalarStart = Int32(truncatingIfNeeded: last)
        return at
    }

    /// Appends the run of letters starting at `from` (there is at least one) and returns where
    /// it ends: ASCII letters and, with `wide`, the Latin letters of two bytes that fold to one
    /// ASCII letter (``ScalarTable/latin``), so `rivière` is one run. Does what the main loop
    /// does for each letter, with the state in locals.
    package mutating func asciiLetters(_ input: UnsafeBufferPointer<UInt8>, from: Int, lowerCase: Bool) -> Int {
        if !inToken { startToken(Int32(truncatingIfNeeded: from)) }
        hasLetter = true
        // Locals: stores through the byte pointers could alias `self`, which would make the
        // compiler reload every field after each store.
        let bytes = self.bytes, origin = self.origin, originEnd = self.originEnd, runs = self.runs
        let repeatsOn = self.repeatsOn, capacity = self.capacity, wide = self.wide, origins = self.origins
        let base = input.baseAddress!
        var k = from
        var n = count
        var previous: UInt8 = n > tokenStart ? bytes[n - 1] : 0
        var full = false
        // Letters of two bytes read (each is one scalar), and the width of the last letter.
        var twoByte = 0
        var lastWidth = 1
        let end = input.count
        while k < end {
            // Eight bytes at a time: the leading letters of the block, lower-cased with one OR,
            // written with one store each for the bytes and the runs and two vector stores for
            // the origins — unless a letter repeats the one before it (the loop below collapses
            // it). Bytes past the letters are written too and overwritten later (`count` says
            // what is valid), so there must be room for all eight.
            if wide, lowerCase, k &+ 8 <= end, n &+ 8 <= capacity {
                // The letters before the first one that repeats its neighbour go in bulk; that
                // one goes through the byte-by-byte step below, which collapses it.
                let (x, letters, bulk) = Builder.block(base + k, after: previous, repeatsOn: repeatsOn)
                if letters > 0 {
                    if bulk > 0 {
                        keyBytes(x, bulk, at: n)
                        Builder.storeLetters(x, at: n, from: k, bytes, runs, origins ? origin : nil, originEnd)
                        previous = UInt8(truncatingIfNeeded: x &>> UInt64((bulk &- 1) &* 8))
                        n &+= bulk
                        k &+= bulk
                    }
                    if bulk == letters {
                        if letters == 8 { continue }
                        // Not a letter of two bytes that may go on the word (the step below looks).
                        if base[k] &- 0xC2 >= 4 { break }
                    }
                }
            }
            var c = base[k]
            var width = 1
            if c &- 0x61 < 26 {
            } else if c &- 0x41 < 26 {
                if lowerCase { c |= 0x20 }
            } else if wide, c &- 0xC2 < 4, k &+ 1 < end, base[k &+ 1] & 0xC0 == 0x80 {
                // U+0080–U+017F: a letter that folds to one ASCII letter goes on the run.
                let x = Int(c & 0x1F) &<< 6 | Int(base[k &+ 1] & 0x3F)
                let f = latin[x &- 0x80]
                if f == 0 { break }
                if scoring {
                    let d = tables.accents[x &- 0x80]
                    score.fr &+= Int(d & 0xF)
                    score.es &+= Int(d &>> 4)
                }
                c = f
                width = 2
                twoByte &+= 1
            } else {
                break
            }
            let e = Int32(truncatingIfNeeded: k &+ width)
            if repeatsOn, c == previous, c >= 0x61 {
                if origins { originEnd[n &- 1] = e }
                if runs[n &- 1] & 0x7F < 0x7F { runs[n &- 1] &+= 1 }
            } else {
                guard n < capacity else {
                    full = true
                    break
                }
                bytes[n] = c
                if origins {
                    origin[n] = Int32(truncatingIfNeeded: k)
                    originEnd[n] = e
                }
                runs[n] = 1
                keyBytes(UInt64(c), 1, at: n)
                n &+= 1
                previous = c
            }
            k &+= width
            lastWidth = width
        }
        if full { overflow = true }
        count = n
        scalars += k - from - twoByte
        lastScalarStart = Int32(truncatingIfNeeded: k - lastWidth)
        return max(k, from + 1)
    }

    /// The language-table key of the word `bytes[first..<n]`: its bytes as one integer, or 0
    /// past eight bytes (no function word is longer). Reads eight bytes from `first` (the room
    /// has eight to spare).
    @inline(__always) package static func key(_ bytes: UnsafeMutablePointer<UInt8>, _ first: Int, _ n: Int) -> UInt64 {
        let length = n &- first
        let head = UnsafeRawPointer(bytes + first).loadUnaligned(as: UInt64.self)
        return length >= 8 ? (length == 8 ? head : 0) : head & ((1 &<< UInt64(length &* 8)) &- 1)
    }

    package mutating func letters(_ bs: [UInt8], _ s: Int32, _ e: Int32) {
        if !inToken { startToken(s) }
        hasLetter = true
        for x in bs { put(x, s, e) }
    }

    @inline(__always) package mutating func digit(_ c: UInt8, _ s: Int32, _ e: Int32) {
        if !inToken { startToken(s) }
        if Normalizer.leet(c) != nil { hasLeet = true }
        put(c, s, e)
    }

    package mutating func leetSymbol(_ c: UInt8, _ s: Int32, _ e: Int32) {
        if !inToken { startToken(s) }
        hasLeet = true
        put(c, s, e)
    }

    /// A symbol such as an emoji: a word of its own, its bytes kept as written.
    package mutating func symbol(_ input: UnsafeBufferPointer<UInt8>, _ s: Int32, _ e: Int32) {
        endToken()
        joinSingles()
        startToken(s)
        for k in Int(s)..<Int(e) { put(input[k], s, e) }
        inToken = false
        singles = 0
        sepRun = 0
    }

    @inline(__always) package mutating func separator(_ c: UInt8) {
        if inToken { endToken() }
        sepRun += 1
        if c >= 0x80 || !Normalizer.contains(Normalizer.joinableSeparators, c) { sepJoinable = false }
    }

    /// Rewrites `bytes[from...]` keeping the bytes `keep` accepts, mapping them with `map`, and
    /// collapsing repeated letters (origins follow).
    package mutating func compact(from: Int, map: (UInt8) -> UInt8?, keep: (Int, UInt8) -> Bool, mark markAll: UInt8 = 0, markEnd: Int = Int.max) {
        var w = from
        var r = from
        while r < count {
            let mark = r < markEnd ? markAll : 0
            let c0 = bytes[r]
            if !keep(r, c0) {
                r += 1
                continue
            }
            let c = map(c0) ?? c0
            if repeatsOn, Builder.isLetter(c), w > from, bytes[w - 1] == c, bytes[w - 1] != 0x20 {
                if origins { originEnd[w - 1] = originEnd[r] }
                let total = Int(runs[w - 1] & 0x7F) + Int(runs[r] & 0x7F)
                runs[w - 1] = UInt8(min(total, 0x7F)) | (runs[w - 1] & 0x80) | mark
            } else {
                bytes[w] = c
                if origins {
                    origin[w] = origin[r]
                    originEnd[w] = originEnd[r]
                }
                runs[w] = runs[r] | (c == 0x20 ? 0 : mark)
                w += 1
            }
            r += 1
        }
        count = w
    }

    /// Finishes the current token: leetspeak where it mixes letters and leet symbols, removal of
    /// stray `@` `$` elsewhere, then the spacing bookkeeping.
    package mutating func endToken() {
        guard inToken else { return }
        inToken = false
        if hasLeet {
            if leetOn && hasLetter {
                compact(from: tokenStart, map: { Normalizer.leet($0) }, keep: { _, _ in true }, mark: NormalizedText.evasive)
            } else {
                compact(from: tokenStart, map: { _ in nil }, keep: { _, c in c != UInt8(ascii: "@") && c != UInt8(ascii: "$") })
            }
            if count == tokenStart, tokenStart > 0 {
                // Nothing left of the token: drop the space before it.
                count -= 1
            }
        }
        if scoring {
            // Leetspeak rewrote the token: read it back; else its key was kept as it was written.
            if hasLeet {
                scoreWord(tokenStart, count, 1)
            } else if count &- tokenStart > 0 {
                score.add(tables.languages(of: count &- tokenStart <= 8 ? wordKey : 0), 1)
            }
        }
        let isSingle = spacingOn && count == tokenStart + 1 && scalars == 1 && Builder.isLetter(bytes[tokenStart])
        if isSingle {
            if singles > 0, sepRun <= 2, sepJoinable {
                singles += 1
            } else {
                joinSingles()
                singles = 1
                // Joining the run before may have moved this letter left: it is the last byte.
                singlesStart = count - 1
            }
        } else {
            if singles > 0 { joinSingles() }
        }
        sepRun = 0
        sepJoinable = true
    }

    /// Joins the pending run of single letters when it has three or more (`n a z e` → `naze`).
    /// The run is `letter space letter ... letter`; whatever follows it moves left.
    package mutating func joinSingles() {
        defer { singles = 0 }
        guard singles >= 3 else { return }
        let runEnd = singlesStart + 2 * singles - 1
        if scoring {
            // The letters were scored as words of their own: they are one word now.
            for k in stride(from: singlesStart, to: runEnd, by: 2) { scoreWord(k, k + 1, -1) }
        }
        compact(from: singlesStart, map: { _ in nil }, keep: { i, c in !(i < runEnd && c == 0x20) }, mark: NormalizedText.evasive, markEnd: runEnd)
        if scoring {
            var e = singlesStart
            while e < count, bytes[e] != 0x20 { e += 1 }
            scoreWord(singlesStart, e, 1)
        }
    }

    /// Adds (`sign` 1) or takes back (-1) the language evidence of the word `bytes[s..<e]`:
    /// its bytes as one integer, looked up in the function-word table (longer words count for
    /// nothing). Reads eight bytes from `s` (the room has eight to spare) and masks the rest.
    @inline(__always) package mutating func scoreWord(_ s: Int, _ e: Int, _ sign: Int) {
        guard e > s else { return }
        score.add(tables.languages(of: Builder.key(bytes, s, e)), sign)
    }

}

/// The high bit of each zero byte of the eight in `x`, exact for the lowest one (higher ones
/// may be set wrongly only above a true zero byte).
@inlinable @inline(__always) package func zeroBytes(_ x: UInt64) -> UInt64 {
    (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
}

/// Decodes one UTF-8 scalar at `i`; returns nil and a length of 1 for an invalid byte.
@inline(__always)
package func decodeScalar<C: RandomAccessCollection>(_ b: C, at i: Int) -> (UInt32?, Int) where C.Element == UInt8, C.Index == Int {
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
