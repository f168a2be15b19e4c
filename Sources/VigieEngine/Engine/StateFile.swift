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

    /// Loads a state file written by ``save(to:)``. A missing file is an empty state; a corrupt
    /// or incompatible one is an error (and is left untouched). Windows that no longer exist in
    /// the rules are ignored.
    public func load(from path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
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
        watermark = root["watermark"] as? Double
        let saved = root["windows"] as? [String: [String: [[Any]]]] ?? [:]
        for wi in windows.indices {
            guard let keys = saved[windowName(wi)] else { continue }
            for (k, events) in keys {
                var e = Events()
                for ev in events {
                    guard ev.count == 2, let t = (ev[0] as? NSNumber)?.doubleValue, let h = (ev[1] as? String).flatMap({ UInt64($0, radix: 16) }) else {
                        throw StateFileError(description: "state file `\(path)`: bad event in window `\(windowName(wi))`")
                    }
                    e.times.append(t)
                    e.hashes.append(h)
                    e.lastSeen = max(e.lastSeen, t)
                }
                windows[wi][k] = e
            }
        }
        once = (root["once"] as? [String: Double]) ?? [:]
        cooldowns = (root["cooldowns"] as? [String: Double]) ?? [:]
    }
}
