import Foundation

/// Exit codes shared by every command (documented in the README).
public enum ExitStatus: Int32, Sendable {
    /// Success: clean rules, passing tests, a stream fully processed.
    case ok = 0
    /// Findings: failed tests, lint findings at or above the threshold.
    case findings = 1
    /// Usage, configuration or rule compile errors.
    case usage = 2
}

/// Facts about the terminal, for colour and progress decisions.
public enum Terminal {
    /// Whether `fd` is a terminal and colour is allowed (`NO_COLOR` unset).
    public static func wantsColor(_ fd: Int32) -> Bool {
        isatty(fd) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
    }

    /// Writes text to standard error.
    public static func error(_ s: String) {
        FileHandle.standardError.write(s.data(using: .utf8) ?? Data())
    }

    /// Writes text to standard output.
    public static func out(_ s: String) {
        FileHandle.standardOutput.write(s.data(using: .utf8) ?? Data())
    }

    /// `s` made safe to print on a terminal: every control character (C0, DEL, C1 U+0080–U+009F)
    /// and every bidirectional override or isolate (U+202A–U+202E, U+2066–U+2069) is written as
    /// a visible escape such as `\u{1B}`, so that a rule, tag or team name or a comment cannot
    /// move the cursor, clear the screen, set the window title or reorder what is shown.
    ///
    /// Use it on every piece of text that comes from data (comments, decision lines, rule files)
    /// before it reaches a terminal. With `keepingLineBreaks`, line feeds and tabs are kept, for
    /// whole multi-line outputs made of such pieces; otherwise they are escaped too, for a piece
    /// shown on one line. Text without such characters is returned unchanged.
    public static func printable(_ s: String, keepingLineBreaks: Bool = false) -> String {
        func unsafe(_ c: Unicode.Scalar) -> Bool {
            switch c.value {
            case 0x0A, 0x09: return !keepingLineBreaks
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
            default: return false
            }
        }
        guard s.unicodeScalars.contains(where: unsafe) else { return s }
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            if unsafe(c) {
                out.append(contentsOf: "\\u{\(String(c.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(c)
            }
        }
        return String(out)
    }
}

/// A one-line progress display on standard error, shown only when standard error is a terminal,
/// redrawn at most ten times a second.
public final class ProgressLine {
    package let label: String
    /// Whether anything is shown (standard error is a terminal).
    public let enabled: Bool
    package var last = Date.distantPast

    /// Creates a progress line prefixed with `label`.
    public init(_ label: String) {
        self.label = label
        self.enabled = isatty(2) != 0
    }

    /// Shows `text` (throttled).
    public func update(_ text: @autoclosure () -> String) {
        guard enabled, Date().timeIntervalSince(last) >= 0.1 else { return }
        last = Date()
        Terminal.error("\r\(label): \(text())\u{1B}[K")
    }

    /// Erases the line.
    public func clear() {
        if enabled { Terminal.error("\r\u{1B}[K") }
    }
}
