import VigieCore
import VigieEngine

/// A hash table keyed by byte strings, each key with a count: interns rule names, tags and
/// words read from JSON lines without making a `String` per lookup.
///
/// Keys live in one byte arena; entries keep their insertion index until ``prune(keep:)``, so
/// the index of a key is a stable id for tables that are never pruned.
package struct ByteTable {
    private var arena: [UInt8] = []
    private var starts: [Int32] = []
    private var lengths: [Int32] = []
    private var hashes: [UInt64] = []
    /// The count of each entry, by index.
    package private(set) var counts: [Int] = []
    /// Open addressing: entry index + 1, 0 for an empty slot.
    private var slots: [Int32] = Array(repeating: 0, count: 64)

    /// The number of keys.
    package var count: Int { counts.count }

    /// The key of entry `i`, as a string.
    package func key(_ i: Int) -> String {
        String(decoding: arena[Int(starts[i])..<Int(starts[i] + lengths[i])], as: UTF8.self)
    }

    private static func hash<C: Collection>(_ s: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    private func equals<C: Collection>(_ i: Int, _ s: C) -> Bool where C.Element == UInt8 {
        guard Int(lengths[i]) == s.count else { return false }
        var k = Int(starts[i])
        for b in s {
            if arena[k] != b { return false }
            k += 1
        }
        return true
    }

    /// The index of `key`, if present.
    package func find<C: Collection>(_ key: C) -> Int? where C.Element == UInt8 {
        let h = Self.hash(key)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[s]) - 1
            if e < 0 { return nil }
            if hashes[e] == h, equals(e, key) { return e }
            s = (s + 1) & mask
        }
    }

    /// The index of `key`, inserting it (with count 0) when new.
    package mutating func index<C: Collection>(_ key: C) -> Int where C.Element == UInt8 {
        let h = Self.hash(key)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[s]) - 1
            if e < 0 { break }
            if hashes[e] == h, equals(e, key) { return e }
            s = (s + 1) & mask
        }
        let i = counts.count
        starts.append(Int32(arena.count))
        lengths.append(Int32(key.count))
        arena.append(contentsOf: key)
        hashes.append(h)
        counts.append(0)
        slots[s] = Int32(i + 1)
        if counts.count * 2 > slots.count { rehash(slots.count * 2) }
        return i
    }

    /// Adds `n` to the count of `key` and returns its index.
    @discardableResult
    package mutating func add<C: Collection>(_ key: C, _ n: Int = 1) -> Int where C.Element == UInt8 {
        let i = index(key)
        counts[i] += n
        return i
    }

    /// Adds `n` to the count of entry `i`.
    package mutating func add(index i: Int, _ n: Int = 1) { counts[i] += n }

    private mutating func rehash(_ size: Int) {
        slots = Array(repeating: 0, count: size)
        let mask = size - 1
        for e in 0..<counts.count {
            var s = Int(truncatingIfNeeded: hashes[e]) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = Int32(e + 1)
        }
    }

    /// Keeps the `keep` keys with the highest counts (ties: the earlier key) and forgets the
    /// others; indexes change. Used to bound counters of unbounded vocabularies.
    package mutating func prune(keep: Int) {
        guard counts.count > keep else { return }
        let order = (0..<counts.count).sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }.prefix(keep)
        var t = ByteTable()
        for e in order.sorted() {
            t.add(arena[Int(starts[e])..<Int(starts[e] + lengths[e])], counts[e])
        }
        self = t
    }

    /// The keys and counts, highest count first (ties by key), at most `limit`.
    package func top(_ limit: Int) -> [(String, Int)] {
        let order = (0..<counts.count).filter { counts[$0] > 0 }.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : key($0) < key($1) }
        return order.prefix(limit).map { (key($0), counts[$0]) }
    }
}
