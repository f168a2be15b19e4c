import CYaml
import Foundation

/// The limits `vigie import automoderator` puts on a configuration before building anything from
/// it. A configuration past a limit is refused as a whole (``AutoModeratorLimitError``): nothing is
/// imported from it. `Grammar/RELIABILITY.md` ("AutoModerator import limits") says why each value
/// was chosen.
public struct AutoModeratorLimits: Sendable, Equatable {
    /// The deepest nesting of lists and mappings in one section: a section's top-level mapping is
    /// level 1, a list under one of its keys level 2. The YAML reader (Yams) and the import are
    /// recursive: past a few thousand levels they overflow the stack.
    public var maxDepth: Int
    /// The most YAML nodes (scalars, lists, mappings, keys included) the whole file may make once
    /// each alias (`*name`) is replaced by a copy of what its anchor (`&name`) names — the size
    /// the import works on. Without aliases a file makes in the order of one node per byte at most.
    public var maxNodes: Int

    /// Limits; the defaults are the ones `vigie import automoderator` uses.
    public init(maxDepth: Int = 256, maxNodes: Int = 1_000_000) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    /// The limits of `vigie import automoderator`: 256 levels, 1,000,000 expanded nodes.
    public static let `default` = AutoModeratorLimits()
}

/// A configuration refused because it is past one of the ``AutoModeratorLimits``.
public struct AutoModeratorLimitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which limit.
    public enum Kind: Sendable, Equatable {
        /// Lists and mappings nested deeper than ``AutoModeratorLimits/maxDepth``.
        case depth
        /// More nodes than ``AutoModeratorLimits/maxNodes`` once aliases are expanded.
        case expansion
    }

    /// Which limit was passed.
    public var kind: Kind
    /// The configuration file, as given to the import.
    public var path: String
    /// Where the limit was passed: 1-based line, column in characters.
    public var line: Int
    public var column: Int
    /// The section (counted from 1 as AutoModerator does) where the limit was passed.
    public var section: Int
    /// The limit's value.
    public var limit: Int

    /// The report id: `import/too-deep` or `import/too-large`.
    public var id: String { kind == .depth ? "import/too-deep" : "import/too-large" }

    /// What is wrong, in one sentence.
    public var message: String {
        switch kind {
        case .depth:
            return "section \(section) nests lists and mappings more than \(limit) levels deep; "
                + "the import refuses the configuration (limit: \(limit) levels)"
        case .expansion:
            return "the configuration makes more than \(limit) YAML values once its aliases (`*name`) are expanded; "
                + "the import refuses it (limit: \(limit) values)"
        }
    }

    /// What to do.
    public var help: String {
        switch kind {
        case .depth:
            return "AutoModerator rules need two or three levels: flatten the lists at this line"
        case .expansion:
            return "write repeated values out instead of nesting aliases, or split the configuration into several files"
        }
    }

    /// The error as `vigie import` prints it: `file:line:col: error[id]: message`, then the help.
    public var description: String {
        "\(path):\(line):\(column): error[\(id)]: \(message)\n   = help: \(help)\n"
    }
}

extension AutoModeratorConfig {
    /// Checks the configuration against `limits` before anything is built from it: each section
    /// is read as a stream of YAML events by libyaml's parser, which keeps its own stacks and
    /// does not recurse, so neither a deep section nor an alias bomb costs more than the events
    /// read before the limit is passed. A section that is not valid YAML is checked up to its
    /// error; the error itself is reported by ``parse(_:)``.
    ///
    /// Depth counts the lists and mappings open at an event. The node count adds one per scalar,
    /// list or mapping, and for each alias the count of the node its anchor names (aliases inside
    /// it included), for the whole file.
    package static func checkLimits(_ text: String, path: String, limits: AutoModeratorLimits) throws(AutoModeratorLimitError) {
        var nodes = 0
        for section in sections(text) {
            try checkLimits(section, path: path, limits: limits, nodes: &nodes)
        }
    }

    private static func checkLimits(_ section: Section, path: String, limits: AutoModeratorLimits, nodes: inout Int) throws(AutoModeratorLimitError) {
        var bytes = Array(section.text.utf8)
        // libyaml asserts that its input pointer is not null, which an empty array may give.
        guard !bytes.isEmpty else { return }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        var failure: AutoModeratorLimitError?
        bytes.withUnsafeMutableBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            /// The node count when each open list or mapping started, and its anchor.
            var open: [(start: Int, anchor: String?)] = []
            /// The expanded node count of each anchor defined so far.
            var anchors: [String: Int] = [:]
            var event = yaml_event_t()
            func refuse(_ kind: AutoModeratorLimitError.Kind, _ limit: Int) {
                let line = Int(event.start_mark.line) + 1
                let column = Int(event.start_mark.column) + 1 + (line == 1 ? section.columnOffset : 0)
                failure = AutoModeratorLimitError(
                    kind: kind, path: path, line: section.firstLine + line - 1, column: column, section: section.number, limit: limit)
            }
            func anchor(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
                p.map { String(cString: $0) }
            }
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_SCALAR_EVENT:
                    nodes += 1
                    if let a = anchor(event.data.scalar.anchor) { anchors[a] = 1 }
                case YAML_ALIAS_EVENT:
                    // An unknown alias is an error Yams reports; it counts as one node here.
                    nodes += anchor(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    nodes += 1
                    let a = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                    open.append((nodes - 1, anchor(a)))
                    if open.count > limits.maxDepth {
                        refuse(.depth, limits.maxDepth)
                        return
                    }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    if let (start, a) = open.popLast(), let a { anchors[a] = nodes - start }
                default:
                    break
                }
                if nodes > limits.maxNodes {
                    refuse(.expansion, limits.maxNodes)
                    return
                }
            }
        }
        if let failure { throw failure }
    }
}
