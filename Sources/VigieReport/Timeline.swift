import VigieCore
import VigieEngine

/// What the horizontal axis of a report measures.
public enum ReportAxis: String, Sendable {
    /// The comments' own timestamps (`--comments` given), in UTC.
    case time
    /// Line numbers of the stream: decision lines carry no time.
    case line
}

extension ActionKind {
    /// The action's column in a report's counts (``ReportBucket/actions``, ``ReportTotals/actions``,
    /// ``ReportRule/actions``): its ``rank``. Reports count the ``applied`` actions only.
    package var column: Int { rank! }
}

/// The counts of one stretch of the axis (a time interval, or a run of lines).
public struct ReportBucket: Sendable, Equatable {
    /// Lines (decisions and error records) in the bucket.
    public var comments = 0
    /// Error records in the bucket.
    public var errors = 0
    /// Applied actions by type, indexed by ``ActionKind/rank`` (the order of ``ActionKind/applied``).
    public var actions = [Int](repeating: 0, count: ActionKind.applied.count)
    /// Shadow actions (what shadow rules would have done).
    public var shadow = 0
    /// Comments per tag, keyed by the tag's index in ``Report/tags``.
    public var tags: [Int: Int] = [:]

    /// Creates an empty bucket.
    public init() {}

    /// Applied actions of every type.
    public var actionTotal: Int { actions.reduce(0, +) }

    package mutating func merge(_ o: ReportBucket) {
        comments += o.comments
        errors += o.errors
        for k in 0..<actions.count { actions[k] += o.actions[k] }
        shadow += o.shadow
        tags.merge(o.tags, uniquingKeysWith: +)
    }
}

/// Buckets of equal width along the axis, as a renderer draws them.
public struct ReportTimeline: Sendable {
    /// What the axis measures.
    public var axis: ReportAxis
    /// The width of a bucket: seconds, or lines.
    public var width: Double
    /// Where the first bucket starts: epoch seconds, or a line number.
    public var start: Double
    /// The buckets, contiguous (empty stretches included).
    public var buckets: [ReportBucket]

    /// Where bucket `i` starts.
    public func start(of i: Int) -> Double { start + Double(i) * width }

    /// Where the axis ends (the end of the last bucket).
    public var end: Double { start(of: buckets.count) }

    /// Whether a time axis covers more than one calendar year (UTC): dates then show the year.
    public var spansYears: Bool {
        axis == .time && !buckets.isEmpty && ReportFormat.civil(start).year != ReportFormat.civil(end - 1).year
    }
}

/// A series of buckets that stays bounded in a single pass: when the span would need more than
/// `limit` buckets, neighbours merge into the next width of the ladder (each width a multiple of
/// the one before, so buckets nest and merging is exact).
package struct BucketSeries {
    /// Time: 1 s up to a week, then four-week steps; boundaries aligned on a Monday 00:00 UTC.
    package static let timeLadder: [Double] = {
        var l: [Double] = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 10800, 21600, 43200, 86400, 604800]
        while l.count < 40 { l.append(l.last! * 4) }
        return l
    }()
    /// Lines: 1, 5, 10, 50, 100, ...
    package static let lineLadder: [Double] = {
        var l: [Double] = [1]
        while l.count < 30 { l.append(l.last! * (l.count % 2 == 1 ? 5 : 2)) }
        return l
    }()
    /// Monday 1970-01-05 00:00 UTC.
    package static let timeOrigin: Double = 4 * 86400

    package let axis: ReportAxis
    package let limit: Int
    package private(set) var level = 0
    /// The key (bucket number from the origin) of `buckets[0]`.
    package private(set) var base = 0
    package var buckets: [ReportBucket] = []

    package init(axis: ReportAxis, limit: Int = 2048) {
        self.axis = axis
        self.limit = limit
    }

    package var ladder: [Double] { axis == .time ? Self.timeLadder : Self.lineLadder }
    package var origin: Double { axis == .time ? Self.timeOrigin : 1 }
    package var width: Double { ladder[level] }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// The index in ``buckets`` of the bucket holding `x`, adding buckets (and merging them
    /// when too many) as needed. `x` must be finite and within ±1e15.
    package mutating func index(of x: Double) -> Int {
        while true {
            let key = Int(((x - origin) / width).rounded(.down))
            if buckets.isEmpty {
                base = key
                buckets.append(ReportBucket())
                return 0
            }
            if key < base {
                let n = base - key
                if buckets.count + n > limit, level + 1 < ladder.count {
                    coarsen()
                    continue
                }
                buckets.insert(contentsOf: repeatElement(ReportBucket(), count: n), at: 0)
                base = key
                return 0
            }
            let i = key - base
            if i < buckets.count { return i }
            if i + 1 > limit, level + 1 < ladder.count {
                coarsen()
                continue
            }
            buckets.append(contentsOf: repeatElement(ReportBucket(), count: i + 1 - buckets.count))
            return i
        }
    }

    /// Merges neighbours into the next width of the ladder.
    package mutating func coarsen() {
        let r = Int(ladder[level + 1] / ladder[level])
        level += 1
        guard !buckets.isEmpty else { return }
        let newBase = Self.floorDiv(base, r)
        let last = Self.floorDiv(base + buckets.count - 1, r)
        var merged = [ReportBucket](repeating: ReportBucket(), count: last - newBase + 1)
        for (i, b) in buckets.enumerated() {
            merged[Self.floorDiv(base + i, r) - newBase].merge(b)
        }
        base = newBase
        buckets = merged
    }

    /// The series with at most `maxBuckets` buckets (coarser widths of the ladder as needed),
    /// and never narrower than `minWidth`.
    package func timeline(maxBuckets: Int, minWidth: Double = 0) -> ReportTimeline {
        var s = self
        while s.level + 1 < s.ladder.count, s.buckets.count > max(maxBuckets, 1) || s.width < minWidth { s.coarsen() }
        return ReportTimeline(axis: axis, width: s.width, start: s.origin + Double(s.base) * s.width, buckets: s.buckets)
    }

    /// Rewrites the tag keys of every bucket (after the tags are sorted).
    package mutating func remapTags(_ map: [Int]) {
        for i in buckets.indices where !buckets[i].tags.isEmpty {
            var t: [Int: Int] = [:]
            for (k, v) in buckets[i].tags { t[map[k], default: 0] += v }
            buckets[i].tags = t
        }
    }
}
