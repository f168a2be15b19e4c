import VigieCore
import VigieEngine

/// What `vigie report` measured over a decisions file: totals, counts along a time (or line)
/// axis, rules, tags, escalations and crisis windows, and a few examples per rule.
///
/// A report is an aggregate: its size depends on the number of rules, tags and buckets, never
/// on the number of lines read (see ``ReportBuilder``). Renderers: ``ReportHTML``,
/// ``ReportRenderer/text(_:color:)`` and ``ReportRenderer/json(_:)``.
public struct Report: Sendable {
    /// The decisions file read.
    public var decisionsPath = ""
    /// The comments file read beside it, if any (timestamps and texts).
    public var commentsPath: String?
    /// What the horizontal axis measures.
    public var axis: ReportAxis = .line
    /// The `--since` bound (epoch seconds), if any: comments before it are left out.
    public var since: Double?
    /// The `--until` bound (epoch seconds), if any: comments at or after it are left out.
    public var until: Double?
    /// The counts over the whole range.
    public var totals = ReportTotals()
    /// The earliest position on the axis counted (epoch seconds or a line number).
    public var first: Double?
    /// The latest position on the axis counted.
    public var last: Double?
    /// Error records by `error_code`, most frequent first.
    public var errorCodes: [(String, Int)] = []
    /// Comments by language, most frequent first.
    public var languages: [(String, Int)] = []
    /// Hidden comments by the reason written in the rule (`hide "spam"`), most frequent first.
    public var hideReasons: [(String, Int)] = []
    /// Flags by queue, most frequent first.
    public var flagQueues: [(String, Int)] = []
    /// Replies by template, most frequent first.
    public var replyTemplates: [(String, Int)] = []
    /// Shadow actions by type (what shadow rules would have done), most frequent first.
    public var shadowActions: [(String, Int)] = []
    /// Tags, most frequent first; bucket tag keys index this array.
    public var tags: [ReportTag] = []
    /// Rules whose condition held, most hits first.
    public var rules: [ReportRule] = []
    /// Escalations grouped by team and severity, most severe first.
    public var escalationGroups: [ReportEscalationGroup] = []
    /// The latest escalations (at most ``ReportOptions/recentEscalations``), oldest first.
    public var recentEscalations: [ReportEscalation] = []
    /// Escalations of windowed rules (`count(..., window W)`), merged per rule when their
    /// windows overlap, in order of appearance.
    public var crises: [ReportCrisis] = []
    /// Crisis windows left out past ``ReportOptions/maxCrises``.
    public var crisesOmitted = 0
    /// What a reader should know about how the numbers were made (missing timestamps, lines
    /// out of order, how terms are derived).
    public var notes: [String] = []
    package var series = BucketSeries(axis: .line)

    /// Creates an empty report.
    public init() {}

    /// The counts along the axis in at most `maxBuckets` buckets of a round width.
    public func timeline(maxBuckets: Int) -> ReportTimeline { series.timeline(maxBuckets: maxBuckets) }

    /// A bucket count that suits the number of comments: about three comments per bucket on
    /// average, between 12 and 72 buckets.
    public var suggestedBuckets: Int { min(72, max(12, (totals.decisions + totals.errors) / 3)) }
}

/// Counts over the whole range of a report.
public struct ReportTotals: Sendable, Equatable {
    /// Lines read from the decisions file.
    public var lines = 0
    /// Lines that are not decision lines (not JSON, or no `line`/`actions`/`error_code`).
    public var unreadable = 0
    /// Lines left out by `--since`/`--until` (or without a time while a bound is given).
    public var excluded = 0
    /// Counted lines that have no place on the time axis (no timestamp yet, no comment line).
    public var untimed = 0
    /// Decision lines counted.
    public var decisions = 0
    /// Error records counted.
    public var errors = 0
    /// Decisions where at least one rule's condition held.
    public var matched = 0
    /// Decisions with at least one applied action other than `allow`.
    public var acted = 0
    /// Decisions with at least one tag.
    public var tagged = 0
    /// Applied actions by type, indexed by ``ActionKind/rank`` (the order of ``ActionKind/applied``).
    public var actions = [Int](repeating: 0, count: ActionKind.applied.count)
    /// Decisions where a shadow rule would have acted.
    public var shadowed = 0
    /// Actions removed by precedence, `once per` or cooldowns.
    public var dropped = 0
    /// Evaluation warnings (regex match limits, late timestamps).
    public var warnings = 0
    /// Decision lines whose comment line could not be found in the comments file.
    public var withoutComment = 0

    /// Creates zero counts.
    public init() {}

    /// The count of one action type (0 for `tag`, which is not an applied action).
    public subscript(_ a: ActionKind) -> Int { a.rank.map { actions[$0] } ?? 0 }
}

/// One tag: how many comments carry it, and the words that come up most in them.
public struct ReportTag: Sendable, Equatable {
    /// The tag's label.
    public var name: String
    /// Comments with this tag.
    public var count: Int
    /// The most frequent words of those comments (counted once per comment), most frequent
    /// first; empty without `--comments`.
    public var terms: [(String, Int)] = []

    public static func == (a: ReportTag, b: ReportTag) -> Bool {
        a.name == b.name && a.count == b.count && a.terms.map(\.0) == b.terms.map(\.0) && a.terms.map(\.1) == b.terms.map(\.1)
    }
}

/// One rule: how often its condition held and what it did.
public struct ReportRule: Sendable {
    /// The rule's name.
    public var name: String
    /// Decisions in which its condition held (its name is in `rules`).
    public var hits: Int
    /// Applied actions it asked for, by type (merged actions count for every rule that asked).
    public var actions: [Int]
    /// Shadow actions it would have taken.
    public var shadow: Int
    /// Its actions that precedence, `once per` or cooldowns removed.
    public var dropped: Int
    /// The first comments it matched (at most ``ReportOptions/examplesPerRule``).
    public var examples: [ReportExample]

    /// The applied action type it asked for most, if any.
    public var mainAction: ActionKind? {
        guard let m = actions.max(), m > 0 else { return nil }
        return ActionKind.applied[actions.firstIndex(of: m)!]
    }
}

/// A comment shown as an example of a rule.
public struct ReportExample: Sendable, Equatable {
    /// The line number in the stream.
    public var line: Int
    /// The comment's `id` (a string's value, or other JSON as written), if any.
    public var id: String?
    /// The comment's time (epoch seconds), when known.
    public var time: Double?
    /// The comment's text (cut at ``ReportOptions/exampleBytes``), when `--comments` is given.
    public var text: String?
    /// What was decided, in words: `hide "spam" · flag moderation · tag spam`.
    public var decision: String
}

/// Escalations to one team at one severity.
public struct ReportEscalationGroup: Sendable, Equatable {
    /// The team woken.
    public var team: String
    /// The severity (`low`, `normal`, `high`, `critical`).
    public var severity: String
    /// Escalations counted.
    public var count: Int
    /// The rules that asked for them, most frequent first.
    public var rules: [String]
}

/// One escalation, as listed on the page.
public struct ReportEscalation: Sendable, Equatable {
    /// The line number in the stream.
    public var line: Int
    /// The comment's `id`, if any.
    public var id: String?
    /// The comment's time, when known.
    public var time: Double?
    /// The rule that asked for the highest severity.
    public var rule: String
    /// The team woken.
    public var team: String
    /// The severity.
    public var severity: String
    /// For windowed rules: the count in the window.
    public var count: Int?
    /// For windowed rules: the window (`15m`).
    public var window: String?
    /// The comment's text (cut), when `--comments` is given.
    public var text: String?
}

/// A crisis: a windowed rule's escalation (`count(..., window W) >= N`), or several of the
/// same rule whose windows overlap, marked on the axis from the window's start to the last one.
public struct ReportCrisis: Sendable, Equatable {
    /// The rule.
    public var rule: String
    /// The team woken.
    public var team: String
    /// The highest severity.
    public var severity: String
    /// The window as written (`15m`).
    public var window: String
    /// The window's length in seconds.
    public var windowSeconds: Double
    /// The highest count seen in the window.
    public var count: Int
    /// Escalations merged into this crisis.
    public var escalations: Int
    /// Where the first window starts (epoch seconds, or a line number on a line axis).
    public var start: Double
    /// Where the last escalation happened.
    public var end: Double
    /// The line of the first escalation.
    public var line: Int
}

/// Choices for building a report.
public struct ReportOptions: Sendable {
    /// The dotted path of the comments' text field.
    public var textField = "text"
    /// Where the comments' fields are (`--map`): its `text` and `timestamp` are read (a
    /// `textField` other than `text` wins over the map's).
    public var fields = FieldMap()
    /// Leave out comments before this time (epoch seconds).
    public var since: Double?
    /// Leave out comments at or after this time (epoch seconds).
    public var until: Double?
    /// Examples kept per rule.
    public var examplesPerRule = 3
    /// Escalations kept for the list (the latest ones).
    public var recentEscalations = 50
    /// Crisis windows kept.
    public var maxCrises = 500
    /// Words kept per tag.
    public var termsPerTag = 10
    /// Bytes of comment text kept in an example (cut at a character boundary).
    public var exampleBytes = 280

    /// Creates default options.
    public init() {}
}
