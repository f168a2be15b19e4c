import VigieCore
import VigieText
import VigieRegex
import VigieLanguage

/// A growable buffer of plain values (integers, booleans) for scratch space written on every
/// comment. Unlike an array it has no reference count and no uniqueness check: appending is a
/// compare and a store. It cannot be copied (`~Copyable`): it has exactly one owner (an
/// evaluator, one per thread) and frees its storage when that owner goes. Indexing is checked in
/// debug builds only (against the room, not the count: the automaton writes its steps in the
/// room made by ``tail(room:)`` without counting them in).
package struct RawVec<Element: BitwiseCopyable>: ~Copyable {
    package private(set) var base: UnsafeMutablePointer<Element>
    package private(set) var count = 0
    package private(set) var capacity: Int

    package init(capacity: Int = 16) {
        self.capacity = max(1, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always) package mutating func append(_ x: Element) {
        if count == capacity { grow(to: capacity * 2) }
        (base + count).initialize(to: x)
        count &+= 1
    }

    package mutating func append(contentsOf xs: UnsafeBufferPointer<Element>) {
        if count + xs.count > capacity { grow(to: max(capacity * 2, count + xs.count)) }
        if let s = xs.baseAddress { (base + count).initialize(from: s, count: xs.count) }
        count += xs.count
    }

    /// Makes room for `room` more elements and returns where the next one goes; the caller
    /// writes up to `room` elements there and then counts them in with ``added(_:)``.
    @inline(__always) package mutating func tail(room: Int) -> UnsafeMutablePointer<Element> {
        if count + room > capacity { grow(to: max(capacity * 2, count + room)) }
        return base + count
    }

    /// Counts in `k` elements written at ``tail(room:)``.
    @inline(__always) package mutating func added(_ k: Int) {
        assert(k >= 0 && count + k <= capacity, "RawVec: \(k) added past the room made")
        count += k
    }

    /// Forgets the elements, keeping the room.
    @inline(__always) package mutating func removeAll() { count = 0 }

    @inline(__always) package subscript(i: Int) -> Element {
        get {
            assert(i >= 0 && i < capacity, "RawVec index \(i) out of its room 0..<\(capacity)")
            return base[i]
        }
        nonmutating set {
            assert(i >= 0 && i < capacity, "RawVec index \(i) out of its room 0..<\(capacity)")
            base[i] = newValue
        }
    }

    /// The elements, valid until the next append.
    package var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    private mutating func grow(to n: Int) {
        let p = UnsafeMutablePointer<Element>.allocate(capacity: n)
        p.moveInitialize(from: base, count: count)
        base.deallocate()
        base = p
        capacity = n
    }
}
