import VigieCore
import VigieLanguage

/// A text rendering of a syntax tree without its positions, to compare two trees: two files
/// have the same fingerprint when they mean the same, whatever their layout and comments.
///
/// It walks the tree by reflection, so syntax added to the AST later is compared too, and skips
/// spans, the source file, and byte offsets (`patternStart`).
package enum SyntaxFingerprint {
    /// Field names that hold positions rather than meaning.
    private static let positionFields: Set<String> = ["span", "patternStart"]

    /// The fingerprint of a parsed file.
    package static func of(_ tree: RuleFileSyntax) -> String {
        var out = ""
        write(tree, into: &out)
        return out
    }

    private static func write(_ value: Any, into out: inout String) {
        if value is Span || value is SourceFile { return }
        let m = Mirror(reflecting: value)
        switch m.displayStyle {
        case .optional:
            if let c = m.children.first { write(c.value, into: &out) } else { out += "nil" }
        case .enum:
            guard let c = m.children.first else {
                out += "\(value)"
                return
            }
            out += "\(c.label ?? "?")("
            write(c.value, into: &out)
            out += ")"
        case .struct, .class, .tuple:
            out += "{"
            for c in m.children where !positionFields.contains(c.label ?? "") {
                if let l = c.label { out += "\(l):" }
                write(c.value, into: &out)
                out += ","
            }
            out += "}"
        case .collection, .set:
            out += "["
            for c in m.children {
                write(c.value, into: &out)
                out += ","
            }
            out += "]"
        case .dictionary:
            out +=
                "["
                + m.children.map { c -> String in
                    var s = ""
                    write(c.value, into: &s)
                    return s
                }.sorted().joined(separator: ",") + "]"
        default:
            out += String(reflecting: value)
        }
    }
}
