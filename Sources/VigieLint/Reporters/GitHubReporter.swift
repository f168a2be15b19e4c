import Foundation
import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// `--format github`: GitHub Actions workflow commands, one line per finding, which GitHub shows
/// as annotations on the pull request's files:
///
///     ::warning file=Rules/a.vigie,line=3,col=6,endLine=3,endColumn=13,title=list/unused::list `x` is never used
///
/// Errors are `::error`, warnings `::warning`, infos `::notice`. The help line follows the message
/// (as an escaped line break). Columns are 1-based Unicode scalars.
public enum GitHubReporter: Reporter {
    public static let identifier = "github"
    public static let summary = "GitHub Actions annotations (::error file=...,line=...::message)"

    public static func report(_ findings: [Diagnostic], context: ReportContext) -> String {
        var out = ""
        for d in findings {
            let command: String
            switch d.severity {
            case .error: command = "error"
            case .warning: command = "warning"
            case .info: command = "notice"
            }
            var properties: [String] = []
            if let file = d.file {
                properties.append("file=\(escapeProperty(file.path))")
                if let span = d.span {
                    let (l, c, el, ec) = Reporters.region(file, span)
                    properties += ["line=\(l)", "col=\(c)", "endLine=\(el)", "endColumn=\(ec)"]
                }
            }
            properties.append("title=\(escapeProperty(d.id))")
            var message = d.message
            if let h = d.help { message += "\nhelp: \(h)" }
            out += "::\(command) \(properties.joined(separator: ","))::\(escapeData(message))\n"
        }
        return out
    }

    /// Escapes a workflow command's message.
    package static func escapeData(_ s: String) -> String {
        s.replacingAll("%", "%25").replacingAll("\r", "%0D").replacingAll("\n", "%0A")
    }

    /// Escapes a workflow command's property value.
    package static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingAll(":", "%3A").replacingAll(",", "%2C")
    }
}

extension String {
    /// Every occurrence of `a` replaced by `b`.
    package func replacingAll(_ a: String, _ b: String) -> String {
        guard contains(a) else { return self }
        return components(separatedBy: a).joined(separator: b)
    }
}
