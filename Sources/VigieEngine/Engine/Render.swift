import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

extension Evaluator {
    /// The longest text a placeholder may insert, in characters.
    package static let maxPlaceholderLength = 80
    /// The longest reply, in characters.
    package static let maxReplyLength = 1000

    /// Renders a reply action's template for the current comment: picks the variant for the
    /// comment's language (the first variant when none matches), rotates between texts by a hash
    /// of the comment's id (or text), and fills placeholders safely.
    package func renderTemplate(_ name: String, rule: Int? = nil) -> (text: String, variant: Int)? {
        guard let t = program.templates[name] else { return nil }
        guard let variant = t.variants.first(where: { $0.lang == lang && !$0.texts.isEmpty }) ?? t.variants.first(where: { !$0.texts.isEmpty }) else { return nil }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let key: ArraySlice<UInt8> = idNode(doc).map { doc.raw($0) } ?? text[...]
        for b in key {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        let k = Int(h % UInt64(variant.texts.count))
        var out = ""
        for part in variant.texts[k].parts {
            switch part {
            case .literal(let s): out += s
            case .placeholder(let path, let fallback):
                if path == ["match"] {
                    out += rule.flatMap { matchedText(rule: $0) }.map(Evaluator.sanitize) ?? fallback ?? ""
                } else {
                    out += placeholder(path) ?? fallback ?? ""
                }
            }
        }
        if out.count > Evaluator.maxReplyLength { out = String(out.prefix(Evaluator.maxReplyLength - 1)) + "…" }
        return (out, k)
    }

    /// What the author wrote where a rule matched: the first text predicate of its condition that
    /// held, mapped back to the original bytes (for the `{match}` placeholder).
    package func matchedText(rule: Int) -> String? {
        var seen = Set<Int32>()
        func first(_ n: Int32) -> Range<Int>? {
            guard seen.insert(n).inserted, nodeStamp[Int(n)] == serial, nodeValue[Int(n)] else { return nil }
            switch program.nodes[Int(n)] {
            case .and(let kids), .or(let kids):
                for k in kids { if let r = first(k) { return r } }
                return nil
            case .rule(let r): return first(program.rules[Int(r)].condition)
            case .terms(.text, _, _, let atoms, _), .near(.text, _, let atoms, _, _, _, _), .count(.text, let atoms, _, _):
                let subj = SubjectText(original: [], normalized: NormalizedText(), isMain: true)
                guard let r = occurrences(atoms: atoms, subject: .text, subj, limit: 1).first else { return nil }
                if normalized.hasOrigins { return normalized.originalRange(r.lowerBound, r.upperBound) }
                var mapped = NormalizedText()
                normalizer.normalize(text, into: &mapped)
                return mapped.originalRange(r.lowerBound, r.upperBound)
            case .regex(.text, let index):
                let r = text.withUnsafeBufferPointer { program.regexes[Int(index)].regex.firstMatch(in: $0, scratch: regexScratch) }
                if case .match(let range) = r { return range }
                return nil
            default: return nil
            }
        }
        guard let r = first(program.rules[rule].condition), r.upperBound <= text.count else { return nil }
        return String(decoding: text[r], as: UTF8.self)
    }

    /// The safe text of a placeholder, or nil when the value is missing or empty.
    package func placeholder(_ path: [String]) -> String? {
        if path == ["lang"] {
            // The comment's own `lang` field when it has one: comment text like any other.
            let safe = Evaluator.sanitize(lang)
            return safe.isEmpty ? nil : safe
        }
        guard let n = field(path) else { return nil }
        let raw: String
        switch doc.kind(n) {
        case .string: raw = doc.string(n)
        case .number:
            let v = doc.number(n)
            raw = v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
        case .bool: raw = String(doc.bool(n))
        default: return nil
        }
        let safe = Evaluator.sanitize(raw)
        return safe.isEmpty ? nil : safe
    }

    /// Makes comment text safe to echo in a public reply: no control or format characters
    /// (zero-width, bidi), no line or paragraph separators, no invisible fillers, no markup
    /// characters (an underscore inside a word is kept: markup does not read it, and names,
    /// ids and links need it), no working mentions (`@everyone`, `@here`,
    /// `@name`: a word joiner, U+2060, follows the `@`), and at most ``maxPlaceholderLength``
    /// characters (word joiners not counted).
    ///
    /// It works on Unicode scalars, not characters: a combining mark or a zero-width joiner after
    /// `<` or `@` makes one character of the two, which must not carry the `<` or `@` through.
    package static func sanitize(_ s: String) -> String {
        var kept = String.UnicodeScalarView()
        let scalars = Array(s.unicodeScalars)
        /// Whether the run of `_` at `i` sits inside a word (`bob_the_builder`, `a__b`, `1_2` in
        /// a link): markup never reads underscores there as emphasis, and dropping them would
        /// change a name, an id or a link.
        func insideWord(_ i: Int) -> Bool {
            guard let before = kept.last, Evaluator.isWordScalar(before) || before == "_" else { return false }
            var j = i
            while j < scalars.count, scalars[j] == "_" { j += 1 }
            return j < scalars.count && Evaluator.isWordScalar(scalars[j])
        }
        for (i, u) in scalars.enumerated() {
            let category = u.properties.generalCategory
            // Controls (line breaks among them), format characters (zero-width, bidi), the
            // Unicode line and paragraph separators, and the invisible fillers (default
            // ignorable: U+034F, U+115F, U+3164, U+FFA0…), which would make an empty-looking
            // or multi-line reply.
            if category == .control || category == .format || category == .lineSeparator || category == .paragraphSeparator
                || u.properties.isDefaultIgnorableCodePoint
            { continue }
            switch u {
            case "_" where insideWord(i): kept.append(u)
            case "<", ">", "`", "*", "_", "~", "|", "[", "]": continue
            case "@":
                kept.append(u)
                kept.append("\u{2060}")
            default: kept.append(u)
            }
        }
        let safe = String(kept).trimmingSpaces()
        var count = 0
        for i in safe.indices where safe[i] != "\u{2060}" {
            count += 1
            if count > maxPlaceholderLength {
                // Underscores kept inside a word would end it, before the `…`: markup again.
                var cut = String(safe[..<i])
                while cut.unicodeScalars.last == "_" { cut.unicodeScalars.removeLast() }
                return cut + "…"
            }
        }
        return safe
    }
}

extension Evaluator {
    /// A letter or a decimal digit (not a mark: a combining mark after `_` must not carry it).
    package static func isWordScalar(_ u: Unicode.Scalar) -> Bool {
        switch u.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber: return true
        default: return false
        }
    }
}

extension String {
    package func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s = s.dropFirst() }
        while s.last?.isWhitespace == true { s = s.dropLast() }
        return String(s)
    }
}
