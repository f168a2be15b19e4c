import CHunspell
import Foundation

/// The inflected forms of a word in French, Spanish and English, read from the Hunspell
/// dictionaries (`has inflected "tuer"`).
///
/// Forms are worked out once, when rules compile: the lemma's entries in each dictionary give
/// its affix classes; every suffix of those classes (and one more level through continuation
/// classes, for Spanish clitics) proposes a form; a proposal is kept only when Hunspell itself
/// says that the form exists and that one of its stems is the lemma. So `tuerai`, `tués`, `tuez`
/// are forms of `tuer` and `tu` is not (Hunspell stems it to `tu` and `taire`). The engine then
/// matches the forms as ordinary terms: no morphology runs per comment.
public final class Inflector: @unchecked Sendable {
    /// One language's dictionary.
    package final class Dictionary {
        /// The language code (`fr`, `es`, `en`).
        package let language: String
        package let handle: OpaquePointer
        /// Suffix rules by flag: what to strip, what to add, the continuation flags.
        package var suffixes: [String: [(strip: String, add: String, next: [String])]] = [:]
        /// The dictionary's lines by lemma: the flags of each entry of the word.
        package var entries: [String: [[String]]] = [:]
        package var flagKind = "char"

        package init?(language: String, aff: String, dic: String) {
            guard FileManager.default.fileExists(atPath: aff), FileManager.default.fileExists(atPath: dic),
                  let h = Hunspell_create(aff, dic),
                  let affText = try? String(contentsOfFile: aff, encoding: .utf8),
                  let dicText = try? String(contentsOfFile: dic, encoding: .utf8)
            else { return nil }
            self.language = language
            self.handle = h
            for line in affText.split(separator: "\n", omittingEmptySubsequences: true) {
                let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if f.count >= 2, f[0] == "FLAG" { flagKind = String(f[1]) }
                // `SFX flag strip add[/flags] condition`: the header line has a Y/N in third place.
                guard f.count >= 5, f[0] == "SFX" else { continue }
                let flag = String(f[1])
                let strip = f[2] == "0" ? "" : String(f[2])
                let addParts = f[3].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
                let add = addParts[0] == "0" ? "" : String(addParts[0])
                let next = addParts.count > 1 ? flags(String(addParts[1])) : []
                suffixes[flag, default: []].append((strip, add, next))
            }
            for line in dicText.split(separator: "\n", omittingEmptySubsequences: true) {
                let head = line.prefix(while: { $0 != " " && $0 != "\t" })
                let parts = head.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
                guard let word = parts.first, !word.isEmpty, word.first?.isNumber != true else { continue }
                entries[String(word), default: []].append(parts.count > 1 ? flags(String(parts[1])) : [])
            }
        }

        deinit { Hunspell_destroy(handle) }

        /// Splits a flag field as the `FLAG` line of the affix file says (two characters each for
        /// `long`, one character otherwise).
        package func flags(_ s: String) -> [String] {
            let chars = Array(s)
            switch flagKind {
            case "long": return stride(from: 0, to: chars.count - 1, by: 2).map { String(chars[$0...$0 + 1]) }
            case "num": return s.split(separator: ",").map(String.init)
            default: return chars.map { String($0) }
            }
        }

        /// Hunspell's stems of `word` (empty when the dictionary does not know the word).
        package func stems(_ word: String) -> [String] {
            var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
            let n = Hunspell_stem(handle, &list, word)
            defer { Hunspell_free_list(handle, &list, n) }
            guard n > 0, let list else { return [] }
            return (0..<Int(n)).compactMap { list[$0].map { String(cString: $0) } }
        }

        /// Whether Hunspell accepts `word`.
        package func knows(_ word: String) -> Bool { Hunspell_spell(handle, word) != 0 }

        /// The forms of `lemma`, the lemma first; empty when the dictionary has no entry for it.
        package func forms(of lemma: String) -> [String] {
            guard let flagSets = entries[lemma] else { return [] }
            var proposed: [String] = [lemma]
            func apply(_ word: String, _ flags: [String], depth: Int) {
                for flag in flags {
                    for rule in suffixes[flag] ?? [] where word.hasSuffix(rule.strip) {
                        let form = String(word.dropLast(rule.strip.count)) + rule.add
                        proposed.append(form)
                        if depth == 0, !rule.next.isEmpty { apply(form, rule.next, depth: 1) }
                    }
                }
            }
            for flags in flagSets { apply(lemma, flags, depth: 0) }
            var seen = Set<String>()
            return proposed.filter { form in
                guard !form.isEmpty, seen.insert(form).inserted else { return false }
                return form == lemma || (knows(form) && stems(form).contains(lemma))
            }
        }
    }

    /// Where the dictionaries are looked for, in order (`VIGIE_HUNSPELL_DIR` first when set).
    public static var searchPaths: [String] {
        var paths = ["/usr/share/hunspell", "/usr/local/share/hunspell", "/opt/homebrew/share/hunspell", "/usr/share/myspell"]
        if let dir = ProcessInfo.processInfo.environment["VIGIE_HUNSPELL_DIR"], !dir.isEmpty { paths.insert(dir, at: 0) }
        return paths
    }

    /// The dictionary file names for each language, in order of preference.
    public static let dictionaryNames: [(language: String, names: [String])] = [
        ("fr", ["fr", "fr_FR"]), ("es", ["es_ES", "es"]), ("en", ["en_US", "en_GB"]),
    ]

    /// The dictionaries found, by language.
    package let dictionaries: [Dictionary]
    private let lock = NSLock()
    private var memo: [String: [InflectedForm]] = [:]

    /// Loads the dictionaries found on ``searchPaths`` (missing languages are skipped).
    public init() {
        var found: [Dictionary] = []
        for (language, names) in Inflector.dictionaryNames {
            search: for dir in Inflector.searchPaths {
                for name in names {
                    if let d = Dictionary(language: language, aff: "\(dir)/\(name).aff", dic: "\(dir)/\(name).dic") {
                        found.append(d)
                        break search
                    }
                }
            }
        }
        dictionaries = found
    }

    /// The process-wide inflector, loaded on first use (reading the dictionaries takes a moment).
    public static let shared = Inflector()

    /// The languages whose dictionary was found.
    public var languages: [String] { dictionaries.map(\.language) }

    /// Whether `word` (lower case, without accents) is an entry of one of the dictionaries.
    public static func isWord(_ word: String) -> Bool { dictionaryWords.contains(word) }

    /// Every entry of the dictionaries found, lower case and without accents, read straight from
    /// the `.dic` files (without Hunspell, which ``isWord(_:)`` does not need: a few tens of
    /// milliseconds instead of a second).
    package static let dictionaryWords: Set<String> = {
        var out = Set<String>()
        let fold = Normalizer(stages: .minimal)
        for (_, names) in dictionaryNames {
            search: for dir in searchPaths {
                for name in names {
                    guard let data = FileManager.default.contents(atPath: "\(dir)/\(name).dic") else { continue }
                    data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                        let b = raw.bindMemory(to: UInt8.self)
                        var i = 0
                        var first = true
                        while i < b.count {
                            let start = i
                            var ascii = true
                            while i < b.count, b[i] != 0x2F, b[i] != 0x0A, b[i] != 0x09, b[i] != 0x20 {
                                if b[i] >= 0x80 { ascii = false }
                                i += 1
                            }
                            let end = i
                            while i < b.count, b[i] != 0x0A { i += 1 }
                            i += 1
                            // The first line is the entry count.
                            if first { first = false; continue }
                            guard end > start else { continue }
                            if ascii {
                                var w = [UInt8](UnsafeBufferPointer(rebasing: b[start..<end]))
                                for k in w.indices where w[k] >= 0x41 && w[k] <= 0x5A { w[k] |= 0x20 }
                                out.insert(String(decoding: w, as: UTF8.self))
                            } else {
                                out.insert(fold.normalize(String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)))
                            }
                        }
                    }
                    break search
                }
            }
        }
        return out
    }()

    /// The forms of `lemma` in every language whose dictionary has it as an entry, each with its
    /// language; the lemma itself comes first. Empty when no dictionary has the word. Asking
    /// twice for the same word reads the dictionaries once.
    public func forms(of lemma: String) -> [InflectedForm] {
        lock.lock()
        defer { lock.unlock() }
        if let m = memo[lemma] { return m }
        var out: [InflectedForm] = []
        var seen = Set<String>()
        for d in dictionaries {
            for f in d.forms(of: lemma) where seen.insert(f).inserted { out.append(InflectedForm(form: f, lemma: lemma, language: d.language)) }
        }
        memo[lemma] = out
        return out
    }
}

/// One form of a word, as ``Inflector/forms(of:)`` gives it.
public struct InflectedForm: Hashable, Sendable {
    /// The form as the dictionary writes it (`tués`).
    public var form: String
    /// The word the rule wrote (`tuer`).
    public var lemma: String
    /// The dictionary it came from (`fr`, `es`, `en`).
    public var language: String
}
