import Foundation
import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

extension StateStage {
    /// Why a state file cannot be used.
    public struct StateFileError: Error, CustomStringConvertible {
        /// What is wrong, in words.
        public var description: String
    }

    package static let fileVersion = 1

    /// A stable name for each window: the node's source text (unchanged by edits elsewhere).
    package func windowName(_ wi: Int) -> String {
        let n = program.windowNodes[wi]
        let (file, span) = program.nodeSources[Int(n)]
        return file.text(span).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }

    /// The state as a JSON document (version 1): the latest time, every window's events per key,
    /// and the times of the last `once per` escalations and cooldown replies.
    public func snapshot() -> [UInt8] {
        sweep()
        var w = JSONWriter(capacity: 1 << 16)
        w.beginObject()
        w.key("vigie_state"); w.int(Self.fileVersion)
        w.key("watermark")
        if let m = watermark { w.number(m) } else { w.null() }
        w.key("windows")
        w.beginObject()
        for wi in windows.indices {
            w.key(windowName(wi))
            w.beginObject()
            for (k, e) in windows[wi].sorted(by: { $0.key < $1.key }) {
                w.key(k)
                w.beginArray()
                for i in e.head..<e.times.count {
                    w.beginArray()
                    w.number(e.times[i])
                    w.string(String(e.hashes[i], radix: 16))
                    w.endArray()
                }
                w.endArray()
            }
            w.endObject()
        }
        w.endObject()
        for (name, map) in [("once", once), ("cooldowns", cooldowns)] {
            w.key(name)
            w.beginObject()
            for (k, t) in map.sorted(by: { $0.key < $1.key }) {
                w.key(k)
                w.number(t)
            }
            w.endObject()
        }
        w.endObject()
        w.bytes.append(0x0A)
        return w.bytes
    }

    /// Takes over the state of the same rules' previous version when new rules come into force
    /// (`vigie run` reloading): the latest time, the limits, the `once per` and cooldown times,
    /// and the events of every window whose condition is written the same way (matched by
    /// ``windowName(_:)``, as the state file does). Windows the new rules no longer have are
    /// dropped; new windows start empty.
    public func carryOver(from old: StateStage) {
        lateness = old.lateness
        maxKeys = old.maxKeys
        maxEventsPerKey = old.maxEventsPerKey
        watermark = old.watermark
        untimed = old.untimed
        var byName: [String: Int] = [:]
        for wi in old.windows.indices { byName[old.windowName(wi)] = wi }
        for wi in windows.indices {
            if let o = byName[windowName(wi)] { windows[wi] = old.windows[o] }
        }
        once = old.once
        cooldowns = old.cooldowns
    }

    /// Writes the state atomically: a temporary file in the same folder, fsync, rename.
    public func save(to path: String) throws {
        let tmp = path + ".tmp-\(getpid())"
        let bytes = snapshot()
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw StateFileError(description: "cannot write `\(tmp)`: \(String(cString: strerror(errno)))") }
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                close(fd)
                unlink(tmp)
                throw StateFileError(description: "cannot write `\(tmp)`: \(String(cString: strerror(errno)))")
            }
            off += n
        }
        fsync(fd)
        close(fd)
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw StateFileError(description: "cannot replace `\(path)`: \(String(cString: strerror(errno)))")
        }
    }

    /// Checks, before any input is read, that the state can be saved at `path`: its folder
    /// exists and a file can be created there. Finding out when saving, after the whole stream,
    /// would lose the state.
    public static func checkWritable(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let dir = folder.isEmpty ? "." : folder
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
            throw StateFileError(description: "cannot save the state to `\(path)`: the folder `\(dir)` does not exist")
        }
        let probe = path + ".probe-\(getpid())"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw StateFileError(description: "cannot save the state to `\(path)`: \(String(cString: strerror(errno)))")
        }
        close(fd)
        unlink(probe)
    }

    /// A time read from a state file: a finite number of epoch seconds before the year 10000,
    /// as input timestamps must be (``Evaluator/latestTime``).
    private static func time(_ any: Any?, _ what: String, _ path: String) throws -> Double {
        guard let t = (any as? NSNumber)?.doubleValue, t.isFinite, abs(t) < Evaluator.latestTime else {
            throw StateFileError(description: "state file `\(path)`: \(what) is not a time before the year 10000 (\(any.map { "\($0)" } ?? "missing")); move the file away to start with empty state")
        }
        return t
    }

    /// Loads a state file written by ``save(to:)``. A missing file is an empty state; a corrupt
    /// or incompatible one, or one with a value out of range (a time that is not a finite number
    /// before the year 10000), is an error, and the file is left untouched. Windows the rules no
    /// longer have are not loaded: their names are returned, for the caller to say so.
    @discardableResult
    public func load(from path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StateFileError(description: "cannot read state file `\(path)`")
        }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw StateFileError(description: "state file `\(path)` is not valid JSON (corrupt?); move it away to start with empty state")
        }
        guard let version = root["vigie_state"] as? Int else {
            throw StateFileError(description: "`\(path)` is not a Vigie state file")
        }
        guard version == Self.fileVersion else {
            throw StateFileError(description: "state file `\(path)` has version \(version); this Vigie reads version \(Self.fileVersion)")
        }
        // Everything is read and checked first; the state changes only when all of it is good.
        let mark: Double? = root["watermark"] == nil || root["watermark"] is NSNull ? nil : try Self.time(root["watermark"], "the watermark", path)
        guard let saved = (root["windows"] ?? [String: Any]()) as? [String: [String: [[Any]]]] else {
            throw StateFileError(description: "state file `\(path)`: `windows` is not an object of windows")
        }
        var loaded: [Int: [String: Events]] = [:]
        for wi in windows.indices {
            guard let keys = saved[windowName(wi)] else { continue }
            var w: [String: Events] = [:]
            for (k, events) in keys {
                var e = Events()
                for ev in events {
                    guard ev.count == 2, let h = (ev[1] as? String).flatMap({ UInt64($0, radix: 16) }) else {
                        throw StateFileError(description: "state file `\(path)`: bad event in window `\(windowName(wi))`")
                    }
                    let t = try Self.time(ev[0], "an event time in window `\(windowName(wi))`", path)
                    e.times.append(t)
                    e.hashes.append(h)
                    e.lastSeen = max(e.lastSeen, t)
                }
                w[k] = e
            }
            loaded[wi] = w
        }
        func times(_ key: String) throws -> [String: Double] {
            guard let any = root[key] else { return [:] }
            guard let m = any as? [String: Any] else { throw StateFileError(description: "state file `\(path)`: `\(key)` is not an object") }
            return try m.mapValues { try Self.time($0, "a time in `\(key)`", path) }
        }
        let onceTimes = try times("once")
        let cooldownTimes = try times("cooldowns")
        watermark = mark
        for (wi, w) in loaded { windows[wi] = w }
        once = onceTimes
        cooldowns = cooldownTimes
        let known = Set(windows.indices.map(windowName))
        return saved.keys.filter { !known.contains($0) }.sorted()
    }
}
