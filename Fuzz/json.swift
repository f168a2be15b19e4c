// libFuzzer target: the JSON line scanner. Whatever the bytes, `JSONDocument.parse` returns or
// throws, and every node of an accepted document can be read: kinds, raw bytes inside the line,
// decoded strings, numbers, members found again by their key. Built and run by scripts/fuzz.sh.
@testable import VigieCore
@testable import VigieText
@testable import VigieRegex
@testable import VigieLanguage
@testable import VigieEngine

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var doc = JSONDocument()
    do {
        try doc.parse(bytes)
    } catch {
        precondition(error.offset >= 0 && error.offset <= bytes.count, "error offset \(error.offset) outside the line")
        _ = error.description
        return 0
    }
    for n in doc.nodes.indices {
        let raw = doc.raw(n)
        precondition(raw.startIndex >= 0 && raw.endIndex <= doc.bytes.count, "node \(n) points outside the line")
        switch doc.kind(n) {
        case .string: _ = doc.string(n)
        case .number: _ = doc.number(n)
        case .bool: _ = doc.bool(n)
        case .object:
            for c in doc.children(n) {
                _ = doc.key(c)
                let node = doc.nodes[c]
                let raw = doc.bytes[Int(node.keyStart)..<Int(node.keyEnd)]
                let key = node.keyEscaped ? JSONDocument.unescape(raw) : Array(raw)
                precondition(doc.member(n, key) != nil, "member `\(doc.key(c))` not found again")
            }
        case .array: _ = doc.children(n)
        case .null: break
        }
    }
    if doc.kind(doc.root) == .object {
        // The whole stateless phase on it, as `vigie run` would.
        _ = Fuzz.evaluator.partial(line: bytes)
    }
    return 0
}

enum Fuzz {
    static let evaluator: Evaluator = {
        let rules = """
            template t { fr: "Bonjour {author.name|vous}, {match}" en: "Hi {author.name}" }
            rule a { when text has any ["colis", "retard"] or text matches /\\bcode\\s+\\d+/ then reply t }
            rule b { when author.age < 7d and links(text) > 0 then flag spam }
            rule c { when author.id in ["1", "u1"] or meta.score >= 0.5 then tag x }
            rule d { when age(created_at) > 1d then hide }
            """
        let program = Compiler.compile(RuleSetLoader.build(sources: [SourceFile(path: "/f/r.vigie", text: rules)], root: "/f"))!
        return Evaluator(program: program)
    }()
}
