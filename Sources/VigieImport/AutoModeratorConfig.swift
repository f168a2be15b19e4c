import Foundation
import Yams
import VigieCore
import VigieRegex
import VigieLanguage
import VigieFormat

/// A value of an AutoModerator rule, as YAML gave it, with where it was written.
///
/// Scalars keep YAML's type (as PyYAML, which AutoModerator uses, reads them: `yes` is a boolean,
/// `-10` a number), because AutoModerator's behaviour depends on it.
package indirect enum AMValue: Sendable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case float(Double)
    case null
    case list([AMNode])
    case map([AMEntry])

    /// The value as AutoModerator turns it into text (`unicode(value)` in Python).
    package var text: String? {
        switch self {
        case .string(let s): return s
        case .int(let n): return String(n)
        case .bool(let b): return b ? "True" : "False"
        case .float(let d): return d == d.rounded() && abs(d) < 1e15 ? "\(Int(d)).0" : String(d)
        case .null, .list, .map: return nil
        }
    }

    /// The items of a list, or the value itself as a one-item list (AutoModerator accepts both).
    package var items: [AMNode]? {
        switch self {
        case .list(let l): return l
        case .map: return nil
        case .null: return []
        default: return [AMNode(value: self, line: 0, column: 0)]
        }
    }
}

/// A value with its position in the configuration file (1-based line, column in characters).
package struct AMNode: Sendable {
    package var value: AMValue
    package var line: Int
    package var column: Int
}

/// A `key: value` pair of a mapping. Keys are lower-cased, as AutoModerator does.
package struct AMEntry: Sendable {
    package var key: String
    /// The key as written.
    package var rawKey: String
    package var line: Int
    package var column: Int
    package var value: AMNode
}

/// One rule of a configuration: a YAML section that is a mapping.
package struct AMRule: Sendable {
    /// The section's number, counted from 1 as AutoModerator does (the text before the first
    /// `---` is section 1).
    package var section: Int
    /// The line of the section's first key.
    package var line: Int
    /// The section's first line and last line in the file.
    package var firstLine: Int
    package var lastLine: Int
    /// The `# comment` lines written before the first key, without `#`.
    package var leadingComments: [String]
    /// The top-level entries, duplicates removed (the last one kept, as PyYAML does).
    package var entries: [AMEntry]
    /// Whether a top-level key was written twice.
    package var hasDuplicateKeys = false

    /// The entry for a key, if any.
    package subscript(_ key: String) -> AMEntry? { entries.first { $0.key == key } }
}

/// A problem met while reading the configuration.
package struct AMProblem: Sendable {
    package enum Kind: Sendable { case yaml, duplicateKey, notAMapping }
    package var kind: Kind
    package var line: Int
    package var column: Int
    package var message: String
    package var notes: [String] = []
}

/// Reads an AutoModerator configuration as AutoModerator does: the text is cut into sections at
/// each line that starts with `---`, and each section is parsed on its own (with Yams). A
/// section that is not valid YAML is reported and skipped; the others are still read.
package enum AutoModeratorConfig {
    /// A section of the file, before parsing.
    package struct Section {
        package var number: Int
        package var firstLine: Int
        /// Columns taken by `---` at the start of the first line.
        package var columnOffset: Int
        package var lines: [Substring]
        package var text: String { lines.joined(separator: "\n") }
        package var lastLine: Int { firstLine + max(0, lines.count - 1) }
    }

    /// The sections of a configuration, cut where AutoModerator cuts them (`re.split("^---")`).
    package static func sections(_ text: String) -> [Section] {
        var out: [Section] = []
        var current: [Substring] = []
        var start = 1
        var offset = 0
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("---") {
                out.append(Section(number: out.count + 1, firstLine: start, columnOffset: offset, lines: current))
                current = [line.dropFirst(3)]
                start = i + 1
                offset = 3
            } else {
                current.append(line)
            }
        }
        out.append(Section(number: out.count + 1, firstLine: start, columnOffset: offset, lines: current))
        return out
    }

    /// Parses every section; returns the rules and the problems, in file order. The text must
    /// have passed ``checkLimits(_:path:limits:)``: Yams and this reading recurse once per level
    /// of nesting and copy what each alias names.
    package static func parse(_ text: String) -> (rules: [AMRule], problems: [AMProblem], sectionCount: Int) {
        var rules: [AMRule] = []
        var problems: [AMProblem] = []
        let all = sections(text)
        for section in all {
            func position(_ mark: Mark?) -> (Int, Int) {
                guard let mark else { return (section.firstLine, 1) }
                return (section.firstLine + mark.line - 1, mark.column + (mark.line == 1 ? section.columnOffset : 0))
            }
            let node: Yams.Node?
            do {
                node = try Yams.compose(yaml: section.text)
            } catch let error as YamlError {
                let (message, mark) = describe(error)
                let (line, column) = position(mark)
                problems.append(
                    AMProblem(
                        kind: .yaml, line: line, column: column,
                        message: "section \(section.number) (lines \(section.firstLine)–\(section.lastLine)) is not valid YAML: \(message)",
                        notes: ["AutoModerator refuses a configuration with such a section; the section is not imported"]))
                continue
            } catch {
                let (line, column) = position(nil)
                problems.append(AMProblem(kind: .yaml, line: line, column: column, message: "section \(section.number) is not valid YAML: \(error)"))
                continue
            }
            guard let node else { continue }  // empty, or only comments
            guard case .mapping = node else {
                let (line, column) = position(node.mark)
                problems.append(
                    AMProblem(
                        kind: .notAMapping, line: line, column: column,
                        message: "section \(section.number) is not a `key: value` mapping; AutoModerator ignores it"))
                continue
            }
            let before = problems.count
            guard case .map(let entries) = convert(node, position: position, problems: &problems).value else { continue }
            let entryLines = Set(entries.map(\.line))
            rules.append(
                AMRule(
                    section: section.number, line: entries.first?.line ?? section.firstLine, firstLine: section.firstLine,
                    lastLine: section.lastLine, leadingComments: leadingComments(section.lines), entries: entries,
                    hasDuplicateKeys: problems[before...].contains { p in p.kind == .duplicateKey && entryLines.contains(p.line) }))
        }
        return (rules, problems, all.count)
    }

    /// Converts a Yams node into an ``AMNode``, lower-casing keys and keeping the last of
    /// duplicate keys (with a problem for each duplicate).
    private static func convert(_ node: Yams.Node, position: (Mark?) -> (Int, Int), problems: inout [AMProblem]) -> AMNode {
        let (line, column) = position(node.mark)
        switch node {
        case .scalar(let scalar):
            let value: AMValue
            switch Tag.Name(rawValue: node.tag.description) {
            case .bool: value = node.bool.map(AMValue.bool) ?? .string(scalar.string)
            case .int: value = node.int.map(AMValue.int) ?? .string(scalar.string)
            case .float: value = node.float.map(AMValue.float) ?? .string(scalar.string)
            case .null: value = .null
            default: value = .string(scalar.string)
            }
            return AMNode(value: value, line: line, column: column)
        case .sequence(let seq):
            return AMNode(value: .list(seq.map { convert($0, position: position, problems: &problems) }), line: line, column: column)
        case .mapping(let map):
            // Where each key was last seen, so that a duplicate is found in constant time; a
            // replaced entry is marked and left out at the end (in one pass), which keeps the
            // entries in the order of their last occurrence.
            var entries: [AMEntry] = []
            var latest: [String: Int] = [:]
            var replaced: [Bool] = []
            for (k, v) in map {
                let raw = k.string ?? ""
                let (kl, kc) = position(k.mark)
                let entry = AMEntry(key: raw.lowercased(), rawKey: raw, line: kl, column: kc, value: convert(v, position: position, problems: &problems))
                if let previous = latest[entry.key] {
                    problems.append(
                        AMProblem(
                            kind: .duplicateKey, line: kl, column: kc,
                            message: "`\(raw)` is written twice in one rule (lines \(entries[previous].line) and \(kl)): AutoModerator keeps the last one",
                            notes: ["the value of line \(entries[previous].line) is not imported"]))
                    replaced[previous] = true
                }
                latest[entry.key] = entries.count
                entries.append(entry)
                replaced.append(false)
            }
            if replaced.contains(true) {
                entries = zip(entries, replaced).compactMap { $1 ? nil : $0 }
            }
            return AMNode(value: .map(entries), line: line, column: column)
        }
    }

    /// Yams' message for a parse error, and where it happened.
    private static func describe(_ error: YamlError) -> (String, Mark?) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return (text, mark)
        case .reader(let problem, _, _, _):
            return (problem, nil)
        default:
            return ("\(error)", nil)
        }
    }

    /// The comment lines at the top of a section, before its first key.
    private static func leadingComments(_ lines: [Substring]) -> [String] {
        var out: [String] = []
        for line in lines {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard t.hasPrefix("#") else { break }
            let comment = t.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
            if !comment.isEmpty { out.append(comment) }
        }
        return out
    }
}
