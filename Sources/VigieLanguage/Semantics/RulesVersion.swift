import Foundation
import VigieCore
import VigieText
import VigieRegex

extension RuleSet {
    /// A short name for this exact rule set: 12 hexadecimal digits of a 64-bit FNV-1a hash of
    /// every rule file and list file it was built from (each file's path relative to ``root``,
    /// its length, then its bytes, in path order).
    ///
    /// `vigie run` writes it on every output line (`rules_version`), so a decision can be traced
    /// to the rules that made it, across reloads. The same files give the same version wherever
    /// the folder is; any change to a byte of a rule or list file gives another one.
    public var version: String {
        // Rule files keep the path they were given; list files have their real path.
        let real = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path
        let prefixes = [root, real].map { $0.hasSuffix("/") ? $0 : $0 + "/" }
        var sources: [String: SourceFile] = [:]
        for file in files.map(\.file) + lists.values.map(\.termFile) {
            let relative = prefixes.first(where: { file.path.hasPrefix($0) }).map { String(file.path.dropFirst($0.count)) } ?? file.path
            sources[relative] = file
        }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ b: UInt8) {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        for (relative, file) in sources.sorted(by: { $0.key < $1.key }) {
            for b in relative.utf8 { mix(b) }
            mix(0)
            var n = UInt64(file.bytes.count)
            for _ in 0..<8 {
                mix(UInt8(truncatingIfNeeded: n))
                n >>= 8
            }
            for b in file.bytes { mix(b) }
        }
        let hex = String(h, radix: 16)
        return String((String(repeating: "0", count: 16 - hex.count) + hex).prefix(12))
    }
}
