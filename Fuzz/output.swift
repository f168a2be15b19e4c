// libFuzzer target: every output line is valid UTF-8 JSON, whatever the input line. The bytes
// are one input line; it goes through a rule set that echoes as much of the comment as it can
// (the id, the language, a reply with the author's name and the matched text, a tag, a flag),
// with and without a trace, and each output must be one line that a strict parser accepts.
// Built and run by scripts/fuzz.sh.
import Foundation

@testable import VigieCore
@testable import VigieText
@testable import VigieRegex
@testable import VigieLanguage
@testable import VigieEngine

let rules = #"""
    lang fr, en
    template greet {
      fr: "Bonjour {author.name|toi}, « {match} » ({lang}, {meta.x|rien})"
      en: "Hi {author.name|you}: {match}"
    }
    rule echo { when text has any ["a", "é", "x", "ü"] or text matches /[^\x00-\x7f]{2}/ then reply greet, tag echo, flag q }
    rule hidden { when text contains "zz" then hide "zz" }
    rule flood { when count(true, window 1m by author) >= 3 then escalate team }
    """#

let program: Program = {
    let rs = RuleSetLoader.build(sources: [SourceFile(path: "fuzz.vigie", text: rules)], root: ".")
    guard let p = Compiler.compile(rs) else { fatalError("the fuzz rules do not compile: \(rs.diagnostics)") }
    return p
}()
let plain = StreamRunner(program: program, options: RunOptions())
let traced: StreamRunner = {
    var o = RunOptions()
    o.explain = true
    return StreamRunner(program: program, options: o)
}()
var number = 0

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOutput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // One line: the reader splits at newlines before a line reaches the engine.
    let line = Array(UnsafeBufferPointer(start: data, count: size)).filter { $0 != 0x0A }
    number += 1
    for runner in [plain, traced] {
        let out = runner.process(line: line[...], number: number)
        precondition(out.last == 0x0A && out.dropLast().allSatisfy { $0 != 0x0A }, "not one line: \(out.count) bytes")
        precondition(String(validating: out, as: UTF8.self) != nil, "output is not UTF-8: \(Array(out.prefix(200)))")
        guard let object = try? JSONSerialization.jsonObject(with: Data(out.dropLast())) as? [String: Any] else {
            preconditionFailure("output is not a JSON object: \(String(decoding: out, as: UTF8.self))")
        }
        precondition(object["line"] as? Int == number, "line number")
    }
    return 0
}
