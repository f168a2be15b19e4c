import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine

/// A deterministic pseudo-random generator (SplitMix64), so benchmarks are reproducible.
package struct SplitMix64 {
    package var state: UInt64
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    package mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    package mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) < p * 1_000_000 }
    package mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
}

/// Generated rule sets and comment streams for `vigie bench`: French, English and Spanish
/// comments of about 300 bytes, rules that are 80 % terms and phrases and 20 % regexes.
public enum BenchWorkload {
    package static let fr = """
        le la les un une des et ou mais donc car que qui je tu il elle nous vous ils on ce cette mon ma mes très trop bien mal plus \
        aussi encore déjà jamais toujours souvent ici maintenant hier demain aujourd'hui être avoir faire dire aller voir savoir \
        vidéo chaîne abonné commentaire épisode musique chanson film série génial super magnifique incroyable drôle énorme \
        merci bravo félicitations bonjour salut été hiver fête économie société problème solution école réponse question idée \
        café gâteau voiture vélo train voyage plage forêt rivière océan famille enfant frère sœur ami travail réunion vacances \
        qualité prix livraison commande produit service client magasin boutique pourquoi comment combien quand peut-être \
        l'été l'équipe c'est j'ai j'aime qu'il d'accord connexion conseil contenu
        """.split(separator: " ").map(String.init).filter { !$0.isEmpty }
    package static let en = """
        the a and or but so because if then that this what which who very too well more also again already never always \
        here now today tomorrow be have do say go see know video channel subscriber comment episode music song movie great \
        awesome amazing funny huge thanks hello summer winter party problem solution school answer question idea coffee car \
        train travel beach forest river ocean family friend work meeting holiday quality price delivery order product service \
        customer shop why how when maybe don't it's I'm can't class assess passage cocktail
        """.split(separator: " ").map(String.init).filter { !$0.isEmpty }
    package static let es = """
        el la los las un una y o pero porque que quien yo tú él ella nosotros muy demasiado bien mal más también todavía ya \
        nunca siempre aquí ahora hoy mañana ser tener hacer decir ir ver saber vídeo canal suscriptor comentario episodio \
        música canción película genial increíble gracias hola verano invierno fiesta problema solución escuela respuesta \
        pregunta idea café coche tren viaje playa bosque río océano familia niño hermano amigo trabajo reunión vacaciones \
        calidad precio entrega pedido producto servicio cliente tienda por qué cómo cuándo quizás año niña señor
        """.split(separator: " ").map(String.init).filter { !$0.isEmpty }
    package static let emoji = ["😀", "😂", "👍", "🔥", "❤️", "😡", "🙏", "🎉"]

    /// Pseudo-words that appear in no ordinary comment (so only injected triggers match).
    package static func pseudoWords(_ n: Int, seed: UInt64) -> [String] {
        var rng = SplitMix64(state: seed)
        let consonants = Array("bcdfgklmnprstvz")
        let vowels = ["a", "e", "i", "o", "u", "é", "è", "ou", "ai"]
        var seen = Set<String>()
        var out: [String] = []
        while out.count < n {
            var w = ""
            for _ in 0..<(3 + rng.below(2)) { w += String(rng.pick(consonants)) + rng.pick(vowels) }
            if rng.chance(0.5) { w += String(rng.pick(consonants)) }
            if seen.insert(w).inserted { out.append(w) }
        }
        return out
    }

    /// `n` PCRE patterns, 80 % literal terms and phrases, 20 % regexes; a prefix of a larger set.
    public static func patterns(_ n: Int) -> [String] {
        var rng = SplitMix64(state: 1234)
        let pw = pseudoWords(4 * n + 100, seed: 99)
        var k = pw.makeIterator()
        var out: [String] = []
        for i in 0..<n {
            if i % 5 != 4 {
                let r = rng.below(100)
                if r < 60 { out.append(k.next()!) } else if r < 85 { out.append(k.next()! + " " + k.next()!) } else {
                    out.append(rng.pick(fr + en + es).replacingApostrophes() + " " + k.next()!)
                }
                continue
            }
            let a = k.next()!
            let b = k.next()!
            switch (i / 5) % 8 {
            case 0: out.append(i == 4 ? #"https?://\S+"# : a + #"\w+"#)
            case 1: out.append(#"\b(?:"# + a + "|" + b + #")s?\b"#)
            case 2: out.append(#"https?://(?:www\.)?"# + a + #"\.(?:com|net|xyz|io)/?\S*"#)
            case 3: out.append(a + #"\s+"# + b)
            case 4: out.append(a + #"[\s_.-]*"# + b)
            case 5: out.append(a + "[!?]{2,}")
            case 6: out.append(#"\b"# + a + #"\d{2,4}\b"#)
            default: out.append("(?:" + a + "|" + b + ") " + k.next()!)
            }
        }
        return out
    }

    /// A text that one pattern matches (used to inject triggers into comments).
    package static func example(for p: String) -> String {
        var s = p
        for (re, ex) in [(#"https?://\S+"#, "https://t.co/x42"), (#"https?://(?:www\.)?"#, "https://www."), (#"\.(?:com|net|xyz|io)/?\S*"#, ".xyz/promo"),
                         (#"\w+"#, "ement"), (#"\s+"#, " "), (#"[\s_.-]*"#, "."), ("[!?]{2,}", "!!!"), (#"\d{2,4}\b"#, "2024"), (#"\b"#, ""), ("s?", "")] {
            s = s.replacingAll(re, with: ex)
        }
        if s.hasPrefix("(?:") {
            // (?:a|b) c  →  a c
            let inner = s.dropFirst(3)
            if let bar = inner.firstIndex(of: "|"), let close = inner.firstIndex(of: ")") {
                s = String(inner[..<bar]) + String(inner[inner.index(after: close)...])
            }
        }
        return s
    }

    /// `n` comments as JSON lines; about 6 % carry a trigger of `patterns`, some are upper-cased.
    public static func comments(_ n: Int, patterns: [String], seed: UInt64 = 7) -> [UInt8] {
        var rng = SplitMix64(state: seed)
        let triggers = patterns.map(example(for:))
        var out: [UInt8] = []
        out.reserveCapacity(n * 340)
        var w = JSONWriter(capacity: 512)
        for i in 0..<n {
            let lang = rng.below(3)
            let vocab = lang == 0 ? fr : lang == 1 ? en : es
            var words: [String] = []
            var size = 0
            let target = 200 + rng.below(200)
            while size < target {
                var word = rng.pick(vocab)
                if rng.chance(0.04) { word = rng.pick(emoji) }
                if rng.chance(0.08) { word += rng.pick([",", ".", "!", "?", " :"]) }
                words.append(word)
                size += word.utf8.count + 1
            }
            if rng.chance(0.06), !triggers.isEmpty { words.insert(triggers[rng.below(min(triggers.count, 1000))], at: rng.below(words.count)) }
            if rng.chance(0.025) { words.append("https://exemple.fr/p/\(rng.below(10_000))") }
            var text = words.joined(separator: " ")
            if rng.chance(0.03) { text = text.uppercased() }
            w.reset()
            w.beginObject()
            w.key("id"); w.string("c\(i)")
            w.key("author"); w.beginObject(); w.key("id"); w.string("u\(rng.below(50_000))"); w.endObject()
            w.key("timestamp"); w.int(1_767_225_600 + i)
            w.key("text"); w.string(text)
            w.endObject()
            out += w.bytes
            out.append(0x0A)
        }
        return out
    }

    /// Dictionary words of five to nine plain letters that have inflected forms, in a fixed
    /// order for a given set of dictionaries.
    package static func lemmas(_ n: Int, seed: UInt64) -> [String] {
        var candidates: [String] = []
        for d in Inflector.shared.dictionaries {
            candidates += d.entries.filter { word, flags in
                (5...9).contains(word.utf8.count) && word.utf8.allSatisfy { $0 >= 0x61 && $0 <= 0x7A } && flags.contains { !$0.isEmpty }
            }.keys.sorted()
        }
        var rng = SplitMix64(state: seed)
        var out: [String] = []
        var seen = Set<String>()
        while out.count < n, seen.count < candidates.count {
            let w = rng.pick(candidates)
            if seen.insert(w).inserted { out.append(w) }
        }
        return out
    }

    /// The `--spellings` workload: the standard rules, of which every fifth becomes `has
    /// inflected "word"` and every fifth (offset by one) `has fuzzy "word"`; the same file with
    /// those words written exactly; and comments of which 6 % hold a form or a one-letter typo.
    public static func spellings(rules: Int, comments n: Int) -> (plain: String, variant: String, corpus: [UInt8]) {
        let patterns = patterns(rules)
        let words = lemmas(2 * rules / 5 + 1, seed: 42)
        var exact = ""
        var spelled = ""
        var k = 0
        var triggers: [String] = []
        for (i, p) in patterns.enumerated() where i % 5 == 0 || i % 5 == 1 {
            _ = p
            let word = words[k % max(1, words.count)]
            k += 1
            let modifier = i % 5 == 0 ? "inflected" : "fuzzy"
            exact += "rule s\(i) { when text has \"\(word)\" then flag q }\n"
            spelled += "rule s\(i) { when text has \(modifier) \"\(word)\" then flag q }\n"
            if modifier == "inflected" {
                triggers.append(Inflector.shared.forms(of: word).last?.form ?? word)
            } else {
                var b = Array(word.utf8)
                b.swapAt(1, 2)
                triggers.append(String(decoding: b, as: UTF8.self))
            }
        }
        let rest = BenchWorkload.ruleFile(patterns.enumerated().filter { $0.offset % 5 >= 2 }.map(\.element))
        // Rule names of the rest stay distinct from the s-rules.
        exact += rest
        spelled += rest
        var corpus = comments(n, patterns: patterns)
        // Put a form or a typo in 6 % of the comments (by rewriting their first word).
        var rng = SplitMix64(state: 77)
        var out: [UInt8] = []
        out.reserveCapacity(corpus.count + n * 4)
        for line in corpus.split(separator: 0x0A) {
            if rng.chance(0.06), !triggers.isEmpty, let r = line.firstRange(of: Array(#""text":""#.utf8)) {
                out += line[..<r.upperBound]
                out += Array((triggers[rng.below(triggers.count)] + " ").utf8)
                out += line[r.upperBound...]
            } else {
                out += line
            }
            out.append(0x0A)
        }
        corpus = out
        return (exact, spelled, corpus)
    }

    /// The `--qualifiers` workload: the standard rules, of which every fifth (a plain word or
    /// phrase) is written `has "…"` in one file and `has "…" where not quoted, not negated` in
    /// the other, on the standard comments (which hold those words in 6 % of them).
    public static func qualified(rules: Int, comments n: Int) -> (plain: String, variant: String, corpus: [UInt8]) {
        let patterns = patterns(rules)
        var plain = ""
        var qualified = ""
        for (i, p) in patterns.enumerated() {
            let literal = p.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0 == " " || $0 == "'" }
            if i % 5 == 0, literal {
                plain += "rule r\(i) { when text has \"\(p)\" then flag q }\n"
                qualified += "rule r\(i) { when text has \"\(p)\" where not quoted, not negated then flag q }\n"
            } else {
                let line = ruleFile([p]).replacingAll("rule r0 ", with: "rule r\(i) ")
                plain += line
                qualified += line
            }
        }
        return (plain, qualified, comments(n, patterns: patterns))
    }

    /// A rule file with one rule per pattern: literal patterns as `contains`, others as `matches /…/i`.
    public static func ruleFile(_ patterns: [String]) -> String {
        var s = ""
        for (i, p) in patterns.enumerated() {
            if p.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0 == " " || $0 == "'" }) {
                s += "rule r\(i) { when text contains \"\(p)\" then flag q }\n"
            } else {
                s += "rule r\(i) { when text matches /\(p.replacingAll("/", with: #"\/"#))/i then flag q }\n"
            }
        }
        return s
    }
}

extension String {
    package func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }

    package func replacingApostrophes() -> String { replacingAll("'", with: " ") }
}

extension Substring {
    package func range(of target: String) -> Range<Substring.Index>? {
        let t = Array(target.utf8)
        let u = Array(self.utf8)
        guard t.count <= u.count else { return nil }
        for i in 0...(u.count - t.count) where u[i] == t[0] && Array(u[i..<(i + t.count)]) == t {
            let start = self.utf8.index(self.utf8.startIndex, offsetBy: i)
            let end = self.utf8.index(start, offsetBy: t.count)
            return start..<end
        }
        return nil
    }
}
