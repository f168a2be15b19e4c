import Foundation
import VigieCore
import VigieLanguage

/// Formats rule files in Vigie's one canonical layout, keeping every comment (`vigie fmt`).
///
/// The layout, in short (the full description is `Grammar/FORMAT.md`):
///
/// ```
/// # A comment stays where it was: on its own line, or after the code of its line.
/// lang fr, en
///
/// list retard = ["retard", "pas reçu", "jamais reçu"]
/// list colis  = file "lists/colis.txt"  # stacked lists align their `=`
///
/// template excuses {
///   fr: "Bonjour {author.name}, désolés pour ce retard."
///   en: ["Hi {author.name}, sorry for the delay.", "Sorry for the wait, {author.name}."]
/// }
///
/// rule plainte priority 10 {
///   when text has any colis near any retard within 6 words
///    and not rule insulte
///   then reply excuses, tag sav
///   examples {
///     match "Colis toujours pas reçu"
///     no match "Colis bien reçu, merci"
///   }
/// }
///
/// test "un retard" {
///   given { text: "Colis toujours pas reçu", author: { name: "Julie" } }
///   expect reply excuses, tag sav
/// }
/// ```
///
/// - Lines are at most ``lineWidth`` columns where the code allows it (strings, regexes and
///   names are never cut). Columns count characters.
/// - Declarations are separated by one empty line; `lang`, `list` and `normalize` lines the
///   author stacked without an empty line stay stacked. Elsewhere an empty line the author left
///   between two items of a block is kept (never more than one, never after `{` or before `}`).
/// - Blocks (`template`, `rule`, `examples`, `test`) put one item per line, indented two spaces.
///   A rule always reads `when` line(s), `then` line(s), then the optional `examples` block.
/// - A condition that does not fit breaks before each `and` / `or` outside parentheses, with the
///   operator right-aligned under `when` (`   and ...`, `    or ...`); a parenthesised group that
///   does not fit breaks the same way, operators under its first operand.
/// - Brackets (`[...]` term lists, `{...}` and `[...]` in `given`) stay on one line when they fit,
///   otherwise hold one item per line with a trailing comma. An action list that does not fit
///   puts one action per line, aligned under the first.
/// - One space around operators and after commas and colons, none inside `[...]` and `(...)`,
///   one inside `{ ... }`. Strings, regular expressions, numbers and durations are kept byte for
///   byte, exactly as written.
/// - Trailing comments of consecutive lines are aligned two spaces after the longest code.
///
/// Formatting never changes meaning: the result is parsed again and its syntax tree (spans
/// aside) and comments compared with the original's; if they differ the file is left alone and
/// ``FormatError/meaningChanged(_:)`` is thrown. Formatting a formatted file changes nothing.
public enum RuleFormatter {
    /// The width lines are fitted to, in characters.
    public static let lineWidth = 100

    /// Formats a rule file's text, or throws a ``FormatError`` (its syntax errors, if any).
    public static func format(_ file: SourceFile) throws -> String {
        let (tree, diagnostics) = Parser.parse(file)
        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else { throw FormatError.syntax(errors) }
        let tokens = SourceTokens(file: file)
        let original = (SyntaxFingerprint.of(tree), tokens.comments.map(\.text))
        var problem = ""
        for fallbackOnly in [false, true] {
            let text = layout(tokens, tree: tree, fallbackOnly: fallbackOnly)
            let formatted = SourceFile(path: file.path, text: text)
            let (newTree, newDiagnostics) = Parser.parse(formatted)
            if newDiagnostics.contains(where: { $0.severity == .error }) {
                problem = "the formatted text does not parse:\n" + DiagnosticRenderer.text(newDiagnostics)
            } else if SyntaxFingerprint.of(newTree) != original.0 {
                problem = "the formatted text does not mean the same"
            } else if SourceTokens(file: formatted).comments.map(\.text) != original.1 {
                problem = "the formatted text lost or reordered comments"
            } else {
                return text
            }
        }
        throw FormatError.meaningChanged("\(file.path): \(problem)")
    }

    /// The canonical layout of a file's tokens, unchecked. With `fallbackOnly`, the safety net:
    /// every declaration keeps the author's line breaks, with normalised spacing and indentation.
    package static func layout(_ tokens: SourceTokens, tree: RuleFileSyntax?, fallbackOnly: Bool = false) -> String {
        var builder = LayoutBuilder(tokens: tokens, tree: tree, fallbackOnly: fallbackOnly)
        var printer = DocPrinter(width: lineWidth)
        printer.print(builder.file())
        return printer.render()
    }

    /// Formats rule text given in memory (`path` is used in diagnostics only).
    public static func format(_ text: String, path: String = "<input>") throws -> String {
        try format(SourceFile(path: path, text: text))
    }

    /// The rule files under `paths`: each path is a file (taken whatever its name) or a folder,
    /// searched recursively for `*.vigie` files (hidden folders skipped). Sorted, without
    /// duplicates; a path that does not exist gives an `E044` diagnostic, a folder without rule
    /// files an `E043`.
    public static func ruleFiles(in paths: [String]) -> (files: [String], diagnostics: [Diagnostic]) {
        let fm = FileManager.default
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                diagnostics.append(Diagnostic("E044", .error, "cannot read `\(path)`: no such file or folder"))
                continue
            }
            guard isDir.boolValue else {
                files.append(path)
                continue
            }
            var found: [String] = []
            let root = URL(fileURLWithPath: path)
            if let e = fm.enumerator(at: root, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles]) {
                for case let url as URL in e where url.pathExtension == "vigie" {
                    let rel = url.path.dropFirst(root.path.count).drop { $0 == "/" }
                    found.append((path as NSString).appendingPathComponent(String(rel)))
                }
            }
            if found.isEmpty {
                diagnostics.append(Diagnostic("E043", .error, "no `.vigie` rule file in `\(path)`", help: "rule files end in `.vigie`"))
            }
            files += found.sorted()
        }
        var seen: Set<String> = []
        return (files.filter { seen.insert($0).inserted }, diagnostics)
    }
}

/// Why a file could not be formatted.
public enum FormatError: Error, CustomStringConvertible {
    /// The file does not parse: its errors. It is left untouched.
    case syntax([Diagnostic])
    /// The formatter would have changed the file's meaning or lost a comment (a formatter bug);
    /// the file is left untouched.
    case meaningChanged(String)

    /// A one-paragraph description.
    public var description: String {
        switch self {
        case .syntax(let ds): return DiagnosticRenderer.text(ds)
        case .meaningChanged(let why): return "internal error: cannot format safely: \(why)"
        }
    }
}
