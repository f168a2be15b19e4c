import Foundation
import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// Loads a running stream's rules again — when asked (SIGHUP) or when a rule or list file
/// changed (`vigie run --watch`) — and hands them to the runner through its ``RunControl``.
///
/// Rules that do not compile are reported (the diagnostics, then one line saying which version
/// stays in force) and never offered: the rules in force keep deciding. Rules whose version
/// (``RuleSet/version``) is the one in force are not offered either. Calls must come from one
/// thread at a time (one serial queue in `vigie run`).
public final class RulesReloader: @unchecked Sendable {
    /// The rule file or folder, as given to `--rules`.
    public let path: String
    package let control: RunControl
    package let log: (String) -> Void
    /// The version in force, or offered last.
    @exclusivity(unchecked) public private(set) var version: String
    /// The files looked at by ``reloadIfChanged()``, with what `stat` said last time.
    @exclusivity(unchecked) package var stamps: [String: FileStamp] = [:]
    /// The rule and list files of the last rules that compiled.
    @exclusivity(unchecked) package var ruleFiles: [String] = []

    /// What `stat` says about a file, enough to see that it changed.
    package struct FileStamp: Equatable {
        package var seconds: Int
        package var nanoseconds: Int
        package var size: Int64
        package var inode: UInt64
    }

    /// Creates a reloader for the rules at `path`, now in force as `program`. Messages go to `log`
    /// (`vigie run`: standard error).
    public init(path: String, program: Program, control: RunControl, log: @escaping (String) -> Void) {
        self.path = path
        self.control = control
        self.log = log
        self.version = program.ruleSet.version
        self.ruleFiles = Self.files(of: program.ruleSet)
        self.stamps = currentStamps()
    }

    /// Loads and compiles the rules; offers them to the runner when they compile and differ from
    /// the version in force. `reason` says why, in the messages (`SIGHUP`, `a file changed`).
    /// Returns false when the rules do not compile.
    @discardableResult
    public func reload(reason: String) -> Bool {
        let (rs, program) = RuleCompilation.load(path)
        guard let program else {
            log("vigie: \(reason): the rules in `\(path)` do not compile; version \(version) stays in force\n")
            return false
        }
        ruleFiles = Self.files(of: rs)
        let v = rs.version
        guard v != version else {
            log("vigie: \(reason): the rules are unchanged (version \(v))\n")
            return true
        }
        // Offered before it is announced: whoever reads the message and then sends a line gets
        // that line decided by the new rules (announcing first was a race).
        control.offer(program)
        log("vigie: \(reason): rules version \(v) compiled; it decides from the next line read (version \(version) until then)\n")
        version = v
        return true
    }

    /// Reloads when a file under the rules folder (or a rule or list file) was added, removed or
    /// changed since the last look. `vigie run --watch` calls it every second.
    public func reloadIfChanged() {
        let now = currentStamps()
        guard now != stamps else { return }
        // Remember what was seen before compiling: a write that lands meanwhile is seen next time.
        stamps = now
        reload(reason: "a rule file changed")
    }

    package static func files(of rs: RuleSet) -> [String] {
        rs.files.map(\.file.path) + rs.lists.values.map(\.termFile.path)
    }

    /// Every regular file under the rules folder (for a folder), plus the rule and list files in use.
    package func currentStamps() -> [String: FileStamp] {
        var paths = Set(ruleFiles)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue,
            let e = FileManager.default.enumerator(atPath: path)
        {
            for case let rel as String in e { paths.insert((path as NSString).appendingPathComponent(rel)) }
        } else {
            paths.insert(path)
        }
        var out: [String: FileStamp] = [:]
        for p in paths {
            var st = stat()
            guard stat(p, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            #if canImport(Darwin)
                let m = st.st_mtimespec
            #else
                let m = st.st_mtim
            #endif
            out[p] = FileStamp(seconds: Int(m.tv_sec), nanoseconds: Int(m.tv_nsec), size: Int64(st.st_size), inode: UInt64(st.st_ino))
        }
        return out
    }
}
