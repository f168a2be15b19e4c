import Foundation
import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// The settings of a lint run read from `vigie-lint.json` (or `.vigie-lint.json`) at the rules
/// root: a severity per rule id, or `off`.
///
/// ```json
/// {"rules": {"regex/no-literal": "off", "term/short-substring": "error"}}
/// ```
///
/// Keys are lint rule ids, or checker warning ids (`W001`); a checker id that a lint rule
/// reports under its own id (`W002`) stands for that rule. Compile errors cannot be configured.
public struct LintConfiguration: Sendable, Equatable {
    /// A configured level: a severity, or off.
    public enum Level: String, Sendable, Equatable {
        case off, info, warning, error

        /// The severity, or nil for `off`.
        public var severity: Severity? {
            switch self {
            case .off: return nil
            case .info: return .info
            case .warning: return .warning
            case .error: return .error
            }
        }
    }

    /// Configured levels by id (aliases already resolved to lint ids).
    public var levels: [String: Level] = [:]
    /// The file the configuration was read from, if any.
    public var path: String?

    /// The file names looked for at the rules root, in order.
    public static let fileNames = ["vigie-lint.json", ".vigie-lint.json"]

    /// An empty configuration: every rule at its default severity.
    public init(levels: [String: Level] = [:], path: String? = nil) {
        self.levels = levels
        self.path = path
    }

    /// A problem in a configuration file, with a message that says what to fix.
    public struct Error: Swift.Error, Sendable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        public var description: String { message }
    }

    /// Reads the configuration at a rules root (a folder), if one of ``fileNames`` is there.
    public static func find(root: String) throws(Error) -> LintConfiguration {
        for name in fileNames {
            let p = (root as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: p) { return try load(path: p) }
        }
        return LintConfiguration()
    }

    /// Reads a configuration file.
    public static func load(path: String) throws(Error) -> LintConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else { throw Error(message: "cannot read lint configuration `\(path)`") }
        return try parse(data, path: path)
    }

    /// Parses a configuration's JSON text; `path` is used in messages.
    public static func parse(_ data: Data, path: String = "vigie-lint.json") throws(Error) -> LintConfiguration {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw Error(message: "`\(path)` is not valid JSON: \(error.localizedDescription)")
        }
        guard let top = object as? [String: Any] else {
            throw Error(message: "`\(path)` must hold a JSON object such as {\"rules\": {\"regex/no-literal\": \"off\"}}")
        }
        for key in top.keys.sorted() where key != "rules" {
            throw Error(message: "`\(path)`: unknown key `\(key)`; the configuration holds only \"rules\"")
        }
        var config = LintConfiguration(path: path)
        guard let rules = top["rules"] else { return config }
        guard let table = rules as? [String: Any] else {
            throw Error(message: "`\(path)`: \"rules\" must be an object mapping rule ids to off, info, warning or error")
        }
        for (key, value) in table.sorted(by: { $0.key < $1.key }) {
            guard let id = LintRegistry.configurableID(key) else {
                let known = LintRegistry.descriptions.map(\.id)
                let suggestion = closestName(to: key, among: known).map { "; did you mean `\($0)`?" } ?? "; `vigie lint --list` shows the rules"
                if ErrorCatalog.entries[key.uppercased()] != nil, key.uppercased().hasPrefix("E") {
                    throw Error(message: "`\(path)`: `\(key)` is a compile error and cannot be configured")
                }
                throw Error(message: "`\(path)`: unknown lint rule `\(key)`\(suggestion)")
            }
            guard let s = value as? String, let level = Level(rawValue: s) else {
                throw Error(message: "`\(path)`: the level of `\(key)` must be \"off\", \"info\", \"warning\" or \"error\"")
            }
            config.levels[id] = level
        }
        return config
    }
}
