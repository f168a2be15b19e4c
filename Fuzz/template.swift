// libFuzzer target: reply templates. The input is a template text and a comment, separated by
// the first line break. The template is parsed (any bytes), then a fixed template whose
// placeholders take everything from the comment is rendered for it: the reply never holds a
// working mention, markup or control characters from the comment, and never passes the length
// cap. Built and run by scripts/fuzz.sh.
@testable import VigieCore
@testable import VigieText
@testable import VigieRegex
@testable import VigieLanguage
@testable import VigieEngine

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let cut = bytes.firstIndex(of: 0x0A) ?? bytes.count
    _ = TemplateText.parse(String(decoding: bytes[..<cut], as: UTF8.self))
    let comment = cut < bytes.count ? Array(bytes[(cut + 1)...]) : bytes
    check(Evaluator.sanitize(String(decoding: comment, as: UTF8.self)), limit: Evaluator.maxPlaceholderLength + 1, countJoiners: false)
    guard case .decision(let d) = FuzzTemplate.evaluator.evaluate(line: comment) else { return 0 }
    for a in d.actions + d.dropped.map(\.action) where a.kind == .reply {
        check(a.text ?? "", limit: Evaluator.maxReplyLength, countJoiners: true)
    }
    return 0
}

/// The template's own text has no `@`, no markup and no control characters: any in the reply
/// came from the comment and must have been neutralized (an underscore may stay inside a word).
/// A placeholder value is cut at 80 characters plus `…`, not counting the word joiners after
/// `@`; a whole reply at 1000 characters, all counted.
func check(_ s: String, limit: Int, countJoiners: Bool) {
    let count = countJoiners ? s.count : s.filter { $0 != "\u{2060}" }.count
    precondition(count <= limit, "\(count) characters, more than \(limit)")
    let scalars = Array(s.unicodeScalars)
    for (i, c) in scalars.enumerated() {
        if c == "_" {
            // Only inside a word: a letter or digit before and after its run of underscores.
            var a = i, b = i
            while a > 0, scalars[a - 1] == "_" { a -= 1 }
            while b < scalars.count, scalars[b] == "_" { b += 1 }
            precondition(a > 0 && b < scalars.count && Evaluator.isWordScalar(scalars[a - 1]) && Evaluator.isWordScalar(scalars[b]),
                         "an underscore outside a word in \(s.debugDescription)")
            continue
        }
        precondition(!"<>`*~|[]".unicodeScalars.contains(c), "markup character \(c) in \(s.debugDescription)")
        if c == "@" { precondition(i + 1 < scalars.count && scalars[i + 1] == "\u{2060}", "a working mention in \(s.debugDescription)") }
        if c != "\u{2060}" {
            let cat = c.properties.generalCategory
            precondition(cat != .control && cat != .format, "control or format character U+\(String(c.value, radix: 16)) in \(s.debugDescription)")
        }
    }
}

enum FuzzTemplate {
    static let evaluator: Evaluator = {
        let rules = """
            lang fr, en, es
            template t {
              fr: "Bonjour {author.name|vous}, vous avez écrit {match|rien} ({lang}, {meta.n|0}, {author.id})."
              en: "Hi {author.name}, about {match}: {meta.flag|no} {meta.x.y.z|deep}."
              es: "Hola {author.name|amigo} {text}"
            }
            rule r { when text has any ["colis", "order", "pedido", "a", "e", "everyone", "here"] or text matches /\\w+/ then reply t }
            """
        let program = Compiler.compile(RuleSetLoader.build(sources: [SourceFile(path: "/f/r.vigie", text: rules)], root: "/f"))!
        return Evaluator(program: program)
    }()
}
