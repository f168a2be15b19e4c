// libFuzzer target: bytes as an AutoModerator configuration through `vigie import automoderator`
// (`AutoModeratorImporter.translate`): the limits check, Yams, the translation, the formatter and
// the checker of the output. Whatever the bytes, the import returns or refuses the file (throws),
// never crashes; a refusal points inside the file; the rules it writes parse without error, and
// compile unless the import report has an error. Built and run by scripts/fuzz.sh.
import Foundation
@testable import VigieCore
@testable import VigieText
@testable import VigieRegex
@testable import VigieLanguage
@testable import VigieFormat
@testable import VigieImport

/// Like `precondition`, but says why on standard error in an optimized build too.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        FileHandle.standardError.write(Data("check failed: \(message())\n".utf8))
        fatalError("check failed")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAutoModerator(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // `vigie import` refuses bytes that are not UTF-8; repairing them keeps the input useful.
    let yaml = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let result: AutoModeratorImport
    do {
        result = try AutoModeratorImporter.translate(yaml: yaml, path: "fuzz.yaml")
    } catch {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).count
        check(error.line >= 1 && error.line <= lines, "refusal at line \(error.line) of a \(lines)-line file")
        check(error.column >= 1, "refusal at column \(error.column)")
        _ = error.description
        return 0
    }
    _ = AutoModeratorImporter.report(result)
    let output = SourceFile(path: "/nonexistent-fuzz/imported.vigie", text: result.source)
    let (_, parseErrors) = Parser.parse(output)
    check(!parseErrors.contains { $0.severity == .error }, "the imported rules do not parse:\n\(DiagnosticRenderer.text(parseErrors))\n\(result.source)")
    if !result.hasErrors {
        let rs = RuleSetLoader.build(sources: [output], root: "/nonexistent-fuzz")
        check(!rs.hasErrors, "the imported rules do not compile:\n\(DiagnosticRenderer.text(rs.diagnostics))\n\(result.source)")
    }
    return 0
}
