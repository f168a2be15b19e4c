import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// A set of characters, exact for ASCII and approximate beyond: non-ASCII characters are
/// tracked as explicit scalars plus broad categories (letters, digits, spaces, others).
///
/// The approximation only ever makes sets larger, so "these two sets are disjoint" is always
/// true when it is reported; "they overlap" may be a guess for exotic non-ASCII classes.
package struct CharSet: Equatable {
    /// Non-ASCII categories.
    package struct Categories: OptionSet, Equatable {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }
        package static let letter = Categories(rawValue: 1)
        package static let digit = Categories(rawValue: 2)
        package static let space = Categories(rawValue: 4)
        package static let other = Categories(rawValue: 8)
        package static let all: Categories = [.letter, .digit, .space, .other]
    }

    package var low: UInt64 = 0  // ASCII 0..<64
    package var high: UInt64 = 0  // ASCII 64..<128
    package var categories: Categories = []
    package var scalars: Set<UInt32> = []

    package static let empty = CharSet()
    package static let any: CharSet = CharSet(low: ~0, high: ~0, categories: .all)

    package init(low: UInt64 = 0, high: UInt64 = 0, categories: Categories = [], scalars: Set<UInt32> = []) {
        self.low = low
        self.high = high
        self.categories = categories
        self.scalars = scalars
    }

    /// One character (both cases when `caseless`).
    package init(scalar v: UInt32, caseless: Bool = false) {
        insert(v)
        if caseless, let s = Unicode.Scalar(v) {
            for m in [s.properties.lowercaseMapping, s.properties.uppercaseMapping] where m.unicodeScalars.count == 1 {
                insert(m.unicodeScalars.first!.value)
            }
        }
    }

    /// The characters `lo...hi` (ASCII exactly; a non-ASCII range by the categories of its ends).
    package init(range lo: UInt32, _ hi: UInt32, caseless: Bool = false) {
        guard lo <= hi else { return }
        for v in lo...min(hi, 127) { self.formUnion(CharSet(scalar: v, caseless: caseless)) }
        if hi >= 128 {
            if hi - max(lo, 128) < 256 {
                for v in max(lo, 128)...hi { self.formUnion(CharSet(scalar: v, caseless: caseless)) }
            } else {
                categories.insert(CharSet.category(max(lo, 128)))
                categories.insert(CharSet.category(hi))
                categories.insert(.other)
            }
        }
    }

    package mutating func insert(_ v: UInt32) {
        if v < 64 {
            low |= 1 << UInt64(v)
        } else if v < 128 {
            high |= 1 << UInt64(v - 64)
        } else {
            scalars.insert(v)
        }
    }

    package func contains(_ v: UInt32) -> Bool {
        if v < 64 { return low & (1 << UInt64(v)) != 0 }
        if v < 128 { return high & (1 << UInt64(v - 64)) != 0 }
        return scalars.contains(v) || categories.contains(CharSet.category(v))
    }

    package var isEmpty: Bool { low == 0 && high == 0 && categories.isEmpty && scalars.isEmpty }

    package func union(_ o: CharSet) -> CharSet {
        CharSet(low: low | o.low, high: high | o.high, categories: categories.union(o.categories), scalars: scalars.union(o.scalars))
    }

    package mutating func formUnion(_ o: CharSet) { self = union(o) }

    /// Every character not in the set (non-ASCII: the categories not fully covered).
    package var complement: CharSet {
        CharSet(low: ~low, high: ~high, categories: Categories.all.subtracting(categories), scalars: [])
    }

    /// Whether some character may be in both sets.
    package func overlaps(_ o: CharSet) -> Bool {
        if low & o.low != 0 || high & o.high != 0 { return true }
        if !categories.intersection(o.categories).isEmpty { return true }
        if !scalars.isDisjoint(with: o.scalars) { return true }
        if scalars.contains(where: { o.categories.contains(CharSet.category($0)) }) { return true }
        if o.scalars.contains(where: { categories.contains(CharSet.category($0)) }) { return true }
        return false
    }

    /// Whether every character of the set is in `o` (approximate beyond ASCII).
    package func isSubset(of o: CharSet) -> Bool {
        if low & ~o.low != 0 || high & ~o.high != 0 { return false }
        if !categories.isSubset(of: o.categories) { return false }
        return scalars.allSatisfy { o.scalars.contains($0) || o.categories.contains(CharSet.category($0)) }
    }

    /// The category of a non-ASCII scalar.
    package static func category(_ v: UInt32) -> Categories {
        guard let s = Unicode.Scalar(v) else { return .other }
        let p = s.properties
        if p.isWhitespace { return .space }
        if p.numericType == .decimal { return .digit }
        switch p.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return .letter
        default: return p.isAlphabetic ? .letter : .other
        }
    }

    // MARK: - Named classes

    package static func ascii(_ chars: String) -> CharSet {
        var s = CharSet()
        for c in chars.unicodeScalars { s.insert(c.value) }
        return s
    }

    package static func asciiRange(_ lo: Character, _ hi: Character) -> CharSet {
        CharSet(range: lo.unicodeScalars.first!.value, hi.unicodeScalars.first!.value)
    }

    /// `\d` (Unicode digits, as with PCRE2_UCP).
    package static let digit: CharSet = {
        var s = asciiRange("0", "9")
        s.categories = .digit
        return s
    }()
    /// `\w`.
    package static let word: CharSet = {
        var s = asciiRange("a", "z").union(asciiRange("A", "Z")).union(asciiRange("0", "9")).union(ascii("_"))
        s.categories = [.letter, .digit]
        return s
    }()
    /// `\s`.
    package static let space: CharSet = {
        var s = ascii(" \t\n\r\u{0B}\u{0C}")
        s.categories = .space
        return s
    }()
    /// `\h`.
    package static let horizontalSpace: CharSet = {
        var s = ascii(" \t")
        s.categories = .space
        return s
    }()
    /// `\v`.
    package static let verticalSpace: CharSet = {
        var s = ascii("\n\r\u{0B}\u{0C}")
        s.categories = .space
        return s
    }()
    /// ASCII and Unicode letters.
    package static let letter: CharSet = {
        var s = asciiRange("a", "z").union(asciiRange("A", "Z"))
        s.categories = .letter
        return s
    }()
    /// `\n`.
    package static let newline = ascii("\n")

    /// A POSIX class name (`alpha`, `digit`...), or nil.
    package static func posix(_ name: String) -> CharSet? {
        switch name {
        case "alpha": return letter
        case "digit": return digit
        case "alnum": return letter.union(digit)
        case "space": return space
        case "blank": return horizontalSpace
        case "upper": return asciiRange("A", "Z").union(CharSet(categories: .letter))
        case "lower": return asciiRange("a", "z").union(CharSet(categories: .letter))
        case "word": return word
        case "xdigit": return asciiRange("0", "9").union(asciiRange("a", "f")).union(asciiRange("A", "F"))
        case "punct": return ascii("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~").union(CharSet(categories: .other))
        case "cntrl": return CharSet(range: 0, 31).union(ascii("\u{7F}"))
        case "graph", "print": return CharSet(range: 33, 126).union(CharSet(categories: [.letter, .digit, .other]))
        case "ascii": return CharSet(range: 0, 127)
        default: return nil
        }
    }

    /// `\p{NAME}` (approximate: letters, digits, spaces, or anything).
    package static func property(_ name: String) -> CharSet {
        let n = name.hasPrefix("^") ? String(name.dropFirst()) : name
        let set: CharSet
        switch n {
        case "L", "L&", "Lu", "Ll", "Lt", "Lm", "Lo", "Latin", "Greek", "Cyrillic", "Han", "Arabic", "Hebrew", "M", "Mn", "Mc", "Me": set = letter
        case "N", "Nd", "Nl", "No": set = digit
        case "Xan": set = letter.union(digit)
        case "Xwd": set = word
        case "Xsp", "Xps", "Z", "Zs", "Zl", "Zp": set = space
        default: set = .any
        }
        return name.hasPrefix("^") ? set.complement : set
    }
}
