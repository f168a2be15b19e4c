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
