import Foundation
import VigieCore
import VigieLanguage

/// FieldMap: where the fields Vigie reads (`text`, `author.name`, `author.id`, `timestamp`,
/// `url`, …) are in comments written by another tool, so that exports from Facebook, YouTube,
/// Reddit or Discourse are read as they are, without rewriting them first.
///
/// Each Vigie field names one or more dotted paths in the comment; the first one present is
/// read (`"text": ["raw", "cooked"]`). A field the map does not name is read where Vigie reads
/// it without a map. The map is resolved once per run: evaluators turn its paths into raw bytes
/// when they are made, and a comment costs one lookup per field read, as without a map; the
/// JSON of a comment is never rewritten.
public struct FieldMap: Sendable, Equatable {
    /// For each Vigie field (a dotted path), the dotted paths read in the comment, in order of
    /// preference.
    public private(set) var fields: [String: [String]]

    /// Creates a map from Vigie fields to the paths that hold them.
    public init(_ fields: [String: [String]] = [:]) { self.fields = fields }

    /// Whether the map names no field.
    public var isEmpty: Bool { fields.isEmpty }

    /// Names `field` as held at `path` only (`--text-field`, `--time-field`: an option given on
    /// the command line wins over the map).
    public mutating func set(_ field: String, to path: String) { fields[field] = [path] }

    /// The paths of `field`, split at dots, or nil when the map does not name it.
    package func paths(_ field: String) -> [[String]]? {
        fields[field].map { $0.map { $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init) } }
    }

    /// The maps of the platforms Vigie knows, by the name `--map` takes.
    public static let platforms: [(name: String, map: FieldMap)] = [
        (
            "facebook",
            FieldMap([
                "text": ["message"], "author.name": ["from.name"], "author.id": ["from.id"], "timestamp": ["created_time"],
                "url": ["permalink_url"],
            ])
        ),
        (
            "youtube",
            // A comment thread (`youtube#commentThread`) or a reply (`youtube#comment`);
            // `textOriginal` when the API gives it, else `textDisplay` (which may hold HTML).
            FieldMap([
                "text": [
                    "snippet.topLevelComment.snippet.textOriginal", "snippet.topLevelComment.snippet.textDisplay", "snippet.textOriginal",
                    "snippet.textDisplay",
                ],
                "author.name": ["snippet.topLevelComment.snippet.authorDisplayName", "snippet.authorDisplayName"],
                "author.id": ["snippet.topLevelComment.snippet.authorChannelId.value", "snippet.authorChannelId.value"],
                "timestamp": ["snippet.topLevelComment.snippet.publishedAt", "snippet.publishedAt"],
                "thread": ["snippet.videoId", "snippet.topLevelComment.snippet.videoId"],
            ])
        ),
        (
            "reddit",
            FieldMap([
                "text": ["body"], "author.name": ["author"], "author.id": ["author_fullname"], "timestamp": ["created_utc"],
                "url": ["permalink"], "thread": ["link_id"],
            ])
        ),
        (
            "discourse",
            // `raw` (the Markdown the author typed) when the export has it, else `cooked` (HTML).
            FieldMap([
                "text": ["raw", "cooked"], "author.name": ["username"], "author.id": ["user_id"], "timestamp": ["created_at"],
                "thread": ["topic_id"],
            ])
        ),
    ]

    /// Why a map cannot be used: what is wrong, where, and what to do.
    public struct LoadError: Error, CustomStringConvertible {
        /// The message, ready to print after `vigie: `.
        public var description: String
    }

    /// The map `spec` names: a platform (`facebook`, `youtube`, `reddit`, `discourse`) or a
    /// JSON file such as `{"text": "message", "author.name": "from.name"}`.
    public static func load(_ spec: String) throws(LoadError) -> FieldMap {
        if let p = platforms.first(where: { $0.name == spec.lowercased() }) { return p.map }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: spec, isDirectory: &isDirectory), !isDirectory.boolValue else {
            let names = platforms.map(\.name)
            let hint = closestName(to: spec.lowercased(), among: names).map { " (did you mean `\($0)`?)" } ?? ""
            throw LoadError(
                description: "--map `\(spec)` is neither a platform nor a file\(hint): give one of \(names.joined(separator: ", ")), "
                    + #"or the path of a JSON file such as {"text": "message", "author.name": "from.name"}"#)
        }
        guard let data = FileManager.default.contents(atPath: spec) else {
            throw LoadError(description: "cannot read the field map `\(spec)`")
        }
        return try parse(Array(data), file: spec)
    }

    /// Reads a map from JSON text: an object whose keys are Vigie fields and whose values are
    /// a dotted path or an array of them. `file` names the text in error messages.
    public static func parse(_ bytes: [UInt8], file: String) throws(LoadError) -> FieldMap {
        func fail(_ what: String) -> LoadError {
            LoadError(
                description: "the field map `\(file)` \(what); "
                    + #"a field map is a JSON object such as {"text": "message", "author.name": "from.name", "timestamp": ["created_time", "date"]}"#)
        }
        var doc = JSONDocument()
        do {
            try doc.parse(bytes)
        } catch {
            if error.message.hasPrefix("a comment must be") { throw fail("is not a JSON object") }
            let (line, column) = lineColumn(bytes, error.offset)
            throw fail("is not valid JSON at line \(line), column \(column): \(error.message)")
        }
        guard doc.kind(doc.root) == .object else { throw fail("is \(article(doc.kind(doc.root))), not an object") }
        var fields: [String: [String]] = [:]
        for member in doc.children(doc.root) {
            let field = doc.key(member)
            guard isPath(field) else { throw fail("has the field name `\(field)`: a field is a dotted path such as `author.name`") }
            var paths: [String] = []
            switch doc.kind(member) {
            case .string: paths = [doc.string(member)]
            case .array:
                for item in doc.children(member) {
                    guard doc.kind(item) == .string else { throw fail("gives `\(field)` \(article(doc.kind(item))) in its list: give paths as strings") }
                    paths.append(doc.string(item))
                }
                guard !paths.isEmpty else { throw fail("gives `\(field)` an empty list: give at least one path") }
            default:
                throw fail("gives `\(field)` \(article(doc.kind(member))): give a path as a string (\"from.name\") or a list of them")
            }
            for p in paths where !isPath(p) {
                throw fail("gives `\(field)` the path `\(p)`: a path is names separated by dots, such as `from.name`, none of them empty")
            }
            guard fields[field] == nil else { throw fail("names `\(field)` twice") }
            fields[field] = paths
        }
        guard !fields.isEmpty else { throw fail("is empty") }
        return FieldMap(fields)
    }

    private static func isPath(_ s: String) -> Bool {
        !s.isEmpty && !s.split(separator: ".", omittingEmptySubsequences: false).contains { $0.isEmpty }
    }

    private static func article(_ k: JSONDocument.Kind) -> String {
        switch k {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    private static func lineColumn(_ bytes: [UInt8], _ offset: Int) -> (Int, Int) {
        var line = 1
        var column = 1
        for b in bytes.prefix(offset) {
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}
