import Foundation
import VigieCore
import VigieText
import VigieRegex

/// A list after loading: its terms with where each was written.
public struct ResolvedList: Sendable {
    /// The declaration.
    public var decl: ListDecl
    /// The file declaring it.
    public var file: SourceFile
    /// The terms, in order.
    public var terms: [String]
    /// Where each term was written: the list file (for `file` lists) or the rule file.
    public var termFile: SourceFile
    /// The span of each term in `termFile`.
    public var termSpans: [Span]
}

/// A declaration together with the file it comes from.
public struct Located<T: Sendable>: Sendable {
    /// The file.
    public var file: SourceFile
    /// The declaration.
    public var decl: T
}

/// Every rule file of a rule set, loaded, parsed and checked: the output of the semantics phase
/// and the input of the compiler.
public struct RuleSet: Sendable {
    /// The folder that holds the rule files; list files must stay inside it.
    public var root: String
    /// Whether the rule set was loaded from a folder (JSON-lines tests are discovered only then).
    public var isFolder = false
    /// The parsed files, sorted by path.
    public var files: [RuleFileSyntax] = []
    /// Declared languages, in order of first declaration (`fr`, `en`, `es` when none is declared).
    public var langs: [String] = []
    /// Normalization stages applied to text and terms (all but those in `normalize except`).
    public var stages: NormalizationStages = .all
    /// Lists by name.
    public var lists: [String: ResolvedList] = [:]
    /// Templates by name.
    public var templates: [String: Located<TemplateDecl>] = [:]
    /// Rules in declaration order (files sorted by path).
    public var rules: [Located<RuleDecl>] = []
    /// Tests in declaration order.
    public var tests: [Located<TestDecl>] = []
    /// Every diagnostic from loading, parsing and checking.
    public var diagnostics: [Diagnostic] = []

    /// Whether any error was found.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Loads rule files from disk with the limits that keep hostile rule sets harmless.
public enum RuleSetLoader {
    /// The largest rule file or list file read, in bytes.
    public static let maxFileBytes = 64 << 20

    /// Loads every `.vigie` file under `path` (a folder, searched recursively, or one file),
    /// parses and checks them.
    public static func load(path: String) -> RuleSet {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
            var rs = RuleSet(root: path)
            rs.diagnostics.append(Diagnostic("E044", .error, "cannot read `\(path)`: no such file or folder"))
            return rs
        }
        if !isDir.boolValue, !path.hasSuffix(".vigie") {
            var rs = RuleSet(root: path)
            let name = (path as NSString).lastPathComponent
            rs.diagnostics.append(Diagnostic("E043", .error, "`\(path)` is not a rule file: rule files end in `.vigie`",
                                             help: "pass a `.vigie` file or the folder that holds them, as in `--rules Rules`; `\(name)` was not read"))
            return rs
        }
        let root = isDir.boolValue ? path : (path as NSString).deletingLastPathComponent
        var paths: [String] = []
        if isDir.boolValue {
            if let e = fm.enumerator(atPath: path) {
                for case let rel as String in e where rel.hasSuffix(".vigie") {
                    paths.append((path as NSString).appendingPathComponent(rel))
                }
            }
        } else {
            paths = [path]
        }
        paths.sort()
        var sources: [SourceFile] = []
        var early: [Diagnostic] = []
        for p in paths {
            // Rule files found in a folder are confined to it, as list files are: a link that
            // leads outside is not read (its first line would show in diagnostics).
            if isDir.boolValue, !isInside(p, root: path).inside {
                early.append(Diagnostic("E044", .error, "cannot read `\(p)`: it is a symbolic link to a file outside the rules folder `\(path)`; rule files are read only inside it", help: "copy the file into the rules folder, or point --rules at the folder that holds it"))
                continue
            }
            switch readFile(p) {
            case .success(let bytes): sources.append(SourceFile(path: p, bytes: bytes))
            case .failure(let message): early.append(Diagnostic("E044", .error, "cannot read `\(p)`: \(message)"))
            }
        }
        if sources.isEmpty, early.isEmpty {
            early.append(Diagnostic("E043", .error, "no `.vigie` rule file in `\(path)`", help: "rule files end in `.vigie`; see Rules/ for examples"))
        }
        var rs = build(sources: sources, root: root.isEmpty ? "." : root)
        rs.isFolder = isDir.boolValue
        rs.diagnostics.insert(contentsOf: early, at: 0)
        return rs
    }

    /// Parses and checks rule files given in memory (used by tests and by `load`).
    /// `root` is the folder list files are resolved against and confined to.
    public static func build(sources: [SourceFile], root: String) -> RuleSet {
        var rs = RuleSet(root: root)
        for s in sources {
            let (tree, diags) = Parser.parse(s)
            rs.files.append(tree)
            rs.diagnostics += diags
        }
        Checker.check(&rs)
        rs.diagnostics = Diagnostic.sortedByLocation(rs.diagnostics)
        return rs
    }

    package enum ReadResult {
        case success([UInt8])
        case failure(String)
    }

    /// Reads a rule or list file whole. Only regular files are read: a FIFO, a socket or a
    /// device would block or never end, so it is refused (opened without blocking, then checked
    /// before any byte is read); so is a file larger than ``maxFileBytes``.
    package static func readFile(_ path: String) -> ReadResult {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .failure("cannot open it: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure("cannot read it: \(String(cString: strerror(errno)))") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return .failure("it is not a regular file (a FIFO, a socket or a device); only regular files are read") }
        if st.st_size > off_t(maxFileBytes) { return .failure("it is larger than \(maxFileBytes >> 20) MiB") }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        var n = 0
        while n < bytes.count {
            let r = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + n, $0.count - n) }
            if r < 0, errno == EINTR { continue }
            guard r > 0 else { break }
            n += r
        }
        return .success(Array(bytes[..<n]))
    }

    /// Whether `path`, once symbolic links are followed, is inside `root` (itself resolved).
    package static func isInside(_ path: String, root: String) -> (inside: Bool, real: String, realRoot: String) {
        let real = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        let realRoot = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path
        return (real == realRoot || real.hasPrefix(realRoot.hasSuffix("/") ? realRoot : realRoot + "/"), real, realRoot)
    }

    /// Resolves a list file path relative to the rule file and checks that it stays inside the
    /// rules folder once symbolic links are followed.
    package static func resolveListPath(_ relative: String, ruleFile: String, root: String) -> Result<String, ListPathError> {
        if relative.hasPrefix("/") { return .failure(.absolute) }
        let dir = (ruleFile as NSString).deletingLastPathComponent
        let joined = ((dir.isEmpty ? "." : dir) as NSString).appendingPathComponent(relative)
        let (inside, real, realRoot) = isInside(joined, root: root)
        guard inside else { return .failure(.outside(real: real, root: realRoot)) }
        return .success(real)
    }

    package enum ListPathError: Error {
        case absolute
        case outside(real: String, root: String)
    }

    /// Why a list file cannot be read, when the reason is one people can act on: the file does
    /// not exist (ENOENT), is a folder (EISDIR), or cannot be read (EACCES). Nil otherwise.
    package static func unreadableReason(_ path: String) -> (reason: String, help: String)? {
        var st = stat()
        if stat(path, &st) != 0 {
            switch errno {
            case ENOENT, ENOTDIR: return ("no such file (ENOENT)", "check the file name; the path is read from the folder of the rule file")
            case EACCES: return ("permission denied (EACCES): a folder on the way cannot be searched", "give the user that runs Vigie access to the folders on the way")
            default: return nil
            }
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { return ("it is a folder, not a file (EISDIR)", "name a text file with one term per line") }
        if access(path, R_OK) != 0, errno == EACCES { return ("permission denied (EACCES)", "give the user that runs Vigie read access to the file (`chmod a+r`)") }
        return nil
    }
}
