// libFuzzer target: a rule file through the whole front end — parser, checker, compiler — and
// every diagnostic rendered (line, column, snippet, caret). Nothing may crash or hang, whatever
// the bytes. Built and run by scripts/fuzz.sh.
@testable import VigieCore
@testable import VigieText
@testable import VigieRegex
@testable import VigieLanguage
@testable import VigieEngine

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let file = SourceFile(path: "/nonexistent-fuzz/rules.vigie", bytes: bytes)
    let (_, diagnostics) = Parser.parse(file)
    _ = DiagnosticRenderer.text(diagnostics)
    // `file` lists resolve against a folder that does not exist: nothing is read from disk.
    let rs = RuleSetLoader.build(sources: [file], root: "/nonexistent-fuzz")
    _ = DiagnosticRenderer.text(rs.diagnostics)
    if !rs.hasErrors, let program = Compiler.compile(rs) {
        // A rule set that compiles decides a comment.
        _ = Evaluator(program: program).evaluate(
            line: Array(#"{"id":1,"text":"Colis pas reçu, quel c0nn4rd @everyone","author":{"name":"Julie","id":"u1"},"timestamp":1767225600}"#.utf8))
    }
    return 0
}
