import Foundation

/// The other spellings of a term that `fuzzy` and the `texting` and `glued` normalization stages
/// accept, worked out once when rules compile. Each variant becomes one more pattern of the
/// automaton, so nothing runs per comment; every function here takes and returns terms as the
/// normalizer leaves them (lower case, no accents, words split by single spaces).
public enum WordVariants {
    /// The shortest word that `fuzzy` accepts a typo in: below five letters, one edit reaches too
    /// many everyday words (`con` → `bon`, `ton`, `mon`).
    public static let fuzzyMinimumLength = 5

    /// The letters a typo inserts or substitutes.
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz".utf8)

    /// Every spelling one edit away from `term` — a letter inserted, deleted or replaced, or two
    /// adjacent letters swapped — in one of its words of at least ``fuzzyMinimumLength`` letters,
    /// without the variants that are words in their own right (a common word of French, English or
    /// Spanish, or a dictionary entry): `galope` is not a typo of `salope`.
    public static func typos(of term: String) -> [(variant: String, reason: String)] {
        let words = term.split(separator: " ").map { Array($0.utf8) }
        var out: [(String, String)] = []
        var seen: Set<String> = [term]
        for (i, w) in words.enumerated() where w.count >= fuzzyMinimumLength && w.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) {
            var edits: [[UInt8]] = []
            for p in 0..<w.count {
                var d = w; d.remove(at: p); edits.append(d)
                for c in alphabet where c != w[p] { var s = w; s[p] = c; edits.append(s) }
                if p + 1 < w.count, w[p] != w[p + 1] { var t = w; t.swapAt(p, p + 1); edits.append(t) }
            }
            for p in 0...w.count { for c in alphabet { var s = w; s.insert(c, at: p); edits.append(s) } }
            for e in edits {
                let word = String(decoding: e, as: UTF8.self)
                guard !CommonWords.contains(word), !Inflector.isWord(word) else { continue }
                var all = words.map { String(decoding: $0, as: UTF8.self) }
                all[i] = word
                let v = all.joined(separator: " ")
                if seen.insert(v).inserted { out.append((v, "one typo from `\(term)`")) }
            }
        }
        return out
    }

    /// The one-edit neighbours of `word` that are common words of a language (what lint reports
    /// for a `fuzzy` term), most frequent first.
    public static func commonNeighbours(of word: String) -> [String] {
        let w = Array(word.utf8)
        guard w.count >= 2 else { return [] }
        return CommonWords.all.filter { c in c != word && withinOneEdit(Array(c.utf8), w) }
    }

    /// Whether `a` and `b` are at most one edit apart (insertion, deletion, substitution or swap of
    /// adjacent letters).
    public static func withinOneEdit(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        if a == b { return true }
        if abs(a.count - b.count) > 1 { return false }
        var i = 0
        while i < a.count, i < b.count, a[i] == b[i] { i += 1 }
        if a.count == b.count {
            if a[(i + 1)...] == b[(i + 1)...] { return true }
            return i + 1 < a.count && a[i] == b[i + 1] && a[i + 1] == b[i] && a[(i + 2)...] == b[(i + 2)...]
        }
        let (long, short) = a.count > b.count ? (a, b) : (b, a)
        return long[(i + 1)...] == short[i...]
    }

    /// The texting spellings of `term` from every language's table (`je vais te tuer` →
    /// `jvais te tuer`), including the ones of the ones (`tu es mort` → `t es mort` → `t mort`).
    /// A variant of a single word of one letter is left out: it would match any lone letter.
    public static func texting(of term: String) -> [(variant: String, reason: String)] {
        var out: [(String, String)] = []
        var seen: Set<String> = [term]
        var frontier = [term]
        for _ in 0..<2 {
            var next: [String] = []
            for t in frontier {
                let words = t.split(separator: " ").map(String.init)
                for entry in Texting.entries {
                    let long = entry.words
                    guard long.count <= words.count else { continue }
                    for s in 0...(words.count - long.count) where Array(words[s..<(s + long.count)]) == long {
                        let v = (words[..<s] + [entry.short] + words[(s + long.count)...]).joined(separator: " ")
                        if v.count <= 1 { continue }
                        if seen.insert(v).inserted && out.count < 64 {
                            out.append((v, "texting for `\(term)` (`\(entry.short)` = `\(long.joined(separator: " "))`, \(entry.language))"))
                            next.append(v)
                        }
                    }
                }
            }
            frontier = next
        }
        return out
    }

    /// The glued spellings of `term` (`deteste` → `jdeteste`, `jedeteste`; `je deteste` →
    /// `jedeteste`): a short word of a language's `glue:` line stuck to the term's first word, or
    /// the term's own first word when it is one of them. A variant that is a word in its own right
    /// (`m` + `ange` = `mange`) is left out.
    public static func glued(of term: String) -> [(variant: String, reason: String)] {
        var words = term.split(separator: " ").map(String.init)
        guard let first = words.first else { return [] }
        var out: [(String, String)] = []
        var seen: Set<String> = [term]
        func add(_ v: String, _ why: String) {
            let head = String(v.prefix(while: { $0 != " " }))
            guard !CommonWords.contains(head), !Inflector.isWord(head) else { return }
            if seen.insert(v).inserted { out.append((v, why)) }
        }
        for (language, glue) in Texting.glue {
            if glue.contains(first), words.count > 1 {
                let rest = Array(words.dropFirst())
                add(([first + rest[0]] + rest.dropFirst()).joined(separator: " "), "`\(first)` glued to the next word (\(language))")
            } else if first.count >= 4 {
                for g in glue {
                    words[0] = g + first
                    add(words.joined(separator: " "), "`\(g)` glued before `\(first)` (\(language))")
                }
                words[0] = first
            }
        }
        return out
    }
}

/// The everyday words of each language: the hand-chosen words of a shop's comments
/// (`CuratedWords.swift`) and the most frequent words of neutral and positive comments
/// (`CommonWords.swift`, generated by `scripts/common-words.py`).
public enum CommonWords {
    /// The words of a language code (`fr`, `en`, `es`) as written, the hand-chosen ones first; none
    /// for another code.
    public static func words(_ lang: String) -> [String] {
        let curated = curatedWords(lang)
        let frequent = table[lang, default: ""].split(whereSeparator: \.isWhitespace).map(String.init)
        let known = Set(curated)
        return curated + frequent.filter { !known.contains($0) }
    }

    /// The hand-chosen words of a language code, as written (none for another code).
    public static func curatedWords(_ lang: String) -> [String] {
        switch lang {
        case "fr": return curatedFr
        case "en": return curatedEn
        case "es": return curatedEs
        default: return []
        }
    }

    /// Every language's words, folded as the normalizer folds them.
    public static let all: [String] = {
        let n = Normalizer()
        var seen = Set<String>()
        return ["fr", "en", "es"].flatMap { words($0) }.map { n.normalize($0) }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }()
    static let set = Set(all)

    /// Whether `word` (folded) is an everyday word of one of the languages.
    public static func contains(_ word: String) -> Bool { set.contains(word) }
}

/// The texting tables (``Texting/tables``), read once.
public enum Texting {
    /// One line of a table: `short` is written for `words`.
    public struct Entry: Sendable {
        /// The texting form (`jvais`).
        public var short: String
        /// The words it stands for (`je`, `vais`).
        public var words: [String]
        /// The table's language.
        public var language: String
    }

    /// Every line of every table, longest expansions first.
    public static let entries: [Entry] = {
        var out: [Entry] = []
        // The words as terms are compared: normalized (`kill` is `kil` once repeats fold).
        let normalizer = Normalizer()
        for (language, text) in tables.sorted(by: { $0.key < $1.key }) {
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                out.append(Entry(short: parts[0].trimmingCharacters(in: .whitespaces),
                                 words: normalizer.normalize(String(parts[1])).split(separator: " ").map(String.init), language: language))
            }
        }
        return out.sorted { $0.words.count > $1.words.count }
    }()

    /// The `glue:` line of each table, by language.
    public static let glue: [(language: String, words: Set<String>)] = tables.sorted(by: { $0.key < $1.key }).compactMap { language, text in
        guard let line = text.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("glue:") }) else { return nil }
        let words = line.trimmingCharacters(in: .whitespaces).dropFirst(5).split(separator: " ").map(String.init)
        return words.isEmpty ? nil : (language, Set(words))
    }
}
