import CPCRE2
import VigieCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A compiled PCRE2 regular expression, shared read-only between workers.
///
/// This file holds every `pcre2_*` call in Vigie. Patterns compile with `PCRE2_UTF`, `PCRE2_UCP`
/// and `PCRE2_MATCH_INVALID_UTF` (so any bytes can be matched safely) and are JIT-compiled when
/// the platform allows. Matching uses a per-worker ``RegexScratch`` with limits.
///
/// # Cost
///
/// Every accepted pattern costs a bounded time per subject:
/// - patterns with backreferences (`\1`, `\k<name>`, `(?P=name)`, `\g{-1}`) are refused
///   (``CompileError/Kind/unboundedCost``): one step of a backreference compares as many bytes
///   as the group took, so the match limit does not bound them (`(.*)\1$` is cubic);
/// - PCRE2's match limit counts backtracking steps from one start position; it is set per call
///   from the subject's length (``matchLimit(forLength:)``);
/// - PCRE2 resets that count at each start position, so a pattern can still cost the length
///   times the limit: the pattern is compiled behind a callout that runs at each start
///   position entered, and cuts the match off once ``timeLimit(forLength:)`` has passed or
///   ``RegexStop`` was asked for.
public final class Regex: @unchecked Sendable {
    /// A compile error with the byte offset PCRE2 reported inside the pattern.
    public struct CompileError: Error, Sendable {
        /// Why the pattern is refused.
        public enum Kind: Sendable, Equatable {
            /// PCRE2 rejected the pattern.
            case syntax
            /// The pattern compiles but uses a construct whose cost no limit bounds (a backreference).
            case unboundedCost
        }
        /// PCRE2's message, or why the construct is refused.
        public var message: String
        /// Byte offset in the pattern.
        public var offset: Int
        /// Why the pattern is refused.
        public var kind: Kind = .syntax
    }

    /// What cut a match attempt off.
    public enum CutOff: Equatable, Sendable {
        /// The match limit: PCRE2's count of backtracking steps (or its depth, heap or JIT stack).
        case steps
        /// The call's time limit, or a stop asked for (`vigie run` on SIGINT or SIGTERM).
        case time
    }

    /// The result of one match attempt.
    public enum MatchResult: Equatable, Sendable {
        /// A match at this byte range of the subject.
        case match(Range<Int>)
        /// No match.
        case noMatch
        /// The attempt was cut off: by the match limit (backtracking steps), or by the time limit
        /// or a stop asked for.
        case limitExceeded(CutOff)
        /// Another PCRE2 error code.
        case error(Int32)
    }

    package let code: OpaquePointer
    /// The pattern as written.
    public let pattern: String
    /// Whether JIT compilation succeeded.
    public let isJIT: Bool

    /// Compiles `pattern` with flags letters `i`, `m`, `s`, `x` (and `u`, always on).
    ///
    /// `guarded: false` compiles the pattern as it is, without the time guard and without
    /// refusing backreferences: only for `vigie bench`'s naive baseline, which measures plain
    /// PCRE2. Rules always get the guard.
    public init(_ pattern: String, flags: String = "", guarded: Bool = true) throws(CompileError) {
        var options: UInt32 = UInt32(PCRE2_UTF) | UInt32(PCRE2_UCP) | UInt32(PCRE2_MATCH_INVALID_UTF)
        for f in flags {
            switch f {
            case "i": options |= UInt32(PCRE2_CASELESS)
            case "m": options |= UInt32(PCRE2_MULTILINE)
            case "s": options |= UInt32(PCRE2_DOTALL)
            case "x": options |= UInt32(PCRE2_EXTENDED)
            default: break
            }
        }
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        let bytes = Array(pattern.utf8)
        let compiled = bytes.withUnsafeBufferPointer { buf in
            pcre2_compile_8(buf.baseAddress, buf.count, options, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw CompileError(message: Regex.message(for: errorCode), offset: errorOffset)
        }
        if !guarded {
            code = compiled
            self.pattern = pattern
            isJIT = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
            return
        }
        var backreferences: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_BACKREFMAX), &backreferences)
        pcre2_code_free_8(compiled)
        if backreferences > 0 {
            throw CompileError(
                message: "a backreference compares as many characters as its group took at each step, so no match limit can stop it in time",
                offset: Regex.firstBackreference(in: bytes), kind: .unboundedCost)
        }
        guard let guarded = Regex.compileGuarded(bytes, options: options) else {
            throw CompileError(message: "the pattern cannot be put behind Vigie's time limit", offset: 0, kind: .unboundedCost)
        }
        code = guarded
        self.pattern = pattern
        isJIT = pcre2_jit_compile_8(guarded, UInt32(PCRE2_JIT_COMPLETE)) == 0
    }

    /// Options PCRE2 accepts only at the very start of a pattern: they stay in front of the guard.
    private static let leadingOptions =
        [
            "UTF", "UCP", "NO_AUTO_POSSESS", "NO_DOTSTAR_ANCHOR", "NO_JIT", "NO_START_OPT", "NOTEMPTY", "NOTEMPTY_ATSTART", "CR", "LF", "CRLF", "ANYCRLF",
            "ANY", "NUL", "BSR_ANYCRLF", "BSR_UNICODE",
        ]
    private static let leadingLimits = ["LIMIT_HEAP=", "LIMIT_MATCH=", "LIMIT_DEPTH=", "LIMIT_RECURSION="]

    /// Compiles `(?C255)(?:pattern)`: the callout runs at each start position PCRE2 enters (start
    /// optimizations still skip the others). The closing parenthesis is tried after a line break
    /// (an `x`-mode comment at the end) and after `\E` (an open `\Q`) too; the first that compiles
    /// is the only one whose parenthesis closes the guard, as the pattern alone compiled.
    private static func compileGuarded(_ bytes: [UInt8], options: UInt32) -> OpaquePointer? {
        var lead = 0
        while lead < bytes.count, bytes[lead...].starts(with: Array("(*".utf8)), let close = bytes[lead...].firstIndex(of: UInt8(ascii: ")")) {
            let name = String(decoding: bytes[(lead + 2)..<close], as: UTF8.self)
            let known = leadingOptions.contains(name) || leadingLimits.contains { name.hasPrefix($0) && name.dropFirst($0.count).allSatisfy(\.isNumber) }
            guard known else { break }
            lead = close + 1
        }
        for close in [")", "\n)", "\\E)"] {
            let wrapped = Array(bytes[..<lead]) + Array("(?C255)(?:".utf8) + Array(bytes[lead...]) + Array(close.utf8)
            var errorCode: Int32 = 0
            var errorOffset: Int = 0
            let compiled = wrapped.withUnsafeBufferPointer { buf in
                pcre2_compile_8(buf.baseAddress, buf.count, options, &errorCode, &errorOffset, nil)
            }
            if let compiled { return compiled }
        }
        return nil
    }

    /// The byte offset of the first backreference in a pattern (0 if none is recognized).
    private static func firstBackreference(in b: [UInt8]) -> Int {
        var i = 0
        var inClass = false
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\\"), i + 1 < b.count {
                let n = b[i + 1]
                if !inClass, (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(n) || n == UInt8(ascii: "k") || n == UInt8(ascii: "g") { return i }
                i += 2
                continue
            }
            if c == UInt8(ascii: "[") { inClass = true }
            if c == UInt8(ascii: "]") { inClass = false }
            if !inClass, b[i...].starts(with: Array("(?P=".utf8)) { return i }
            i += 1
        }
        return 0
    }

    /// The time limit of one match call on a subject of `length` bytes, in nanoseconds: 5 ms and
    /// 16 ns per byte (6 ms on 64 KB, 273 ms on 16 MiB, the longest line `vigie run` reads), so
    /// that a pattern that only scans the text is never cut off.
    public static func timeLimit(forLength length: Int) -> UInt64 {
        5_000_000 + 16 * UInt64(max(0, length))
    }

    /// PCRE2's match limit for a subject of `length` bytes: backtracking steps allowed from one
    /// start position. 20,000 steps and 4 per byte, at most 1,000,000: a pattern cut off on a
    /// short comment costs about 0.1 ms, and a pattern that walks the text (`^.*a.*b`) still has
    /// room on a long one.
    public static func matchLimit(forLength length: Int) -> UInt32 {
        UInt32(min(1_000_000, 20_000 + 4 * min(length, 1_000_000)))
    }

    deinit { pcre2_code_free_8(code) }

    /// Finds the first match in `subject` starting at byte `from`.
    public func firstMatch(in subject: UnsafeBufferPointer<UInt8>, from: Int = 0, scratch: RegexScratch) -> MatchResult {
        let base = subject.baseAddress ?? UnsafePointer(scratch.empty)
        pcre2_set_match_limit_8(scratch.context, min(scratch.matchLimit, Regex.matchLimit(forLength: subject.count)))
        scratch.guardState.pointee.entered = 0
        scratch.guardState.pointee.cpuDeadline = 0
        scratch.guardState.pointee.limit = scratch.timeLimitNanoseconds ?? Regex.timeLimit(forLength: subject.count)
        let rc = pcre2_match_8(code, base, subject.count, from, 0, scratch.matchData, scratch.context)
        if rc >= 0 {
            let ov = pcre2_get_ovector_pointer_8(scratch.matchData)!
            return .match(Int(ov[0])..<Int(ov[1]))
        }
        switch rc {
        case PCRE2_ERROR_NOMATCH: return .noMatch
        case PCRE2_ERROR_MATCHLIMIT, PCRE2_ERROR_DEPTHLIMIT, PCRE2_ERROR_HEAPLIMIT, PCRE2_ERROR_JIT_STACKLIMIT: return .limitExceeded(.steps)
        // Only the guard callout fails a call this way: its time is up, or a stop was asked for.
        case PCRE2_ERROR_CALLOUT: return .limitExceeded(.time)
        default: return .error(rc)
        }
    }

    /// Every non-overlapping match in `subject`, at most `limit`; `limited` is set when the match limit cut a search off.
    public func allMatches(in subject: UnsafeBufferPointer<UInt8>, scratch: RegexScratch, limit: Int = 1000, limited: inout Bool) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var from = 0
        while from <= subject.count, out.count < limit {
            switch firstMatch(in: subject, from: from, scratch: scratch) {
            case .match(let r):
                out.append(r)
                from = r.isEmpty ? nextScalar(subject, r.upperBound) : r.upperBound
            case .limitExceeded:
                limited = true
                return out
            default:
                return out
            }
        }
        return out
    }

    private func nextScalar(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var j = i + 1
        while j < s.count, s[j] & 0xC0 == 0x80 { j += 1 }
        return j
    }

    package static func message(for code: Int32) -> String {
        var buf = [UInt8](repeating: 0, count: 256)
        let n = buf.withUnsafeMutableBufferPointer { pcre2_get_error_message_8(code, $0.baseAddress, $0.count) }
        return n > 0 ? String(decoding: buf[0..<Int(n)], as: UTF8.self) : "PCRE2 error \(code)"
    }
}

/// The state the guard callout reads and writes during one match call.
package struct RegexGuardState {
    /// Start positions entered in this call.
    var entered: UInt32 = 0
    /// When this call must end (monotonic nanoseconds), set at its first start position.
    var deadline: UInt64 = 0
    /// The time limit of a call, in nanoseconds.
    var limit: UInt64
    /// Once the wall-clock deadline has passed: when this thread's CPU time must end the call
    /// (0 until then).
    var cpuDeadline: UInt64 = 0
    /// When a stop (``RegexStop``) cuts this call off, read once at its first start position.
    var stopAt: UInt64 = .max
}

/// This thread's CPU time in nanoseconds (a system call: read only once a call is late).
private func threadCPUNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// Monotonic time in nanoseconds.
private func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// The guard callout, run at each start position entered: it reads the clock at the first and
/// then every 8th, and ends the match when the call's time is up or a stop's grace is over.
private func regexGuard(_ block: UnsafeMutablePointer<pcre2_callout_block_8>?, _ data: UnsafeMutableRawPointer?) -> Int32 {
    guard let state = data?.assumingMemoryBound(to: RegexGuardState.self) else { return 0 }
    let entered = state.pointee.entered
    state.pointee.entered = entered &+ 1
    guard entered & 7 == 0 else { return 0 }
    let now = monotonicNanoseconds()
    if entered == 0 {
        state.pointee.deadline = now &+ state.pointee.limit
        // The stop is read under its lock once per call, not at every check: a call already
        // running when it comes ends within its own limit anyway.
        state.pointee.stopAt = RegexStop.cutOffTime ?? .max
    } else if now > state.pointee.deadline {
        // Late by the wall clock, which also counts the time this thread was not running (a
        // loaded machine): the call is cut off only once it has also spent half its limit of
        // this thread's own CPU time since. An ordinary regex is never cut off because the
        // machine is busy, so decisions do not depend on the load; a runaway one costs at most
        // 1.5 times its limit.
        let cpu = threadCPUNanoseconds()
        if state.pointee.cpuDeadline == 0 {
            state.pointee.cpuDeadline = cpu &+ state.pointee.limit / 2
        } else if cpu > state.pointee.cpuDeadline {
            return PCRE2_ERROR_CALLOUT
        }
    }
    return now > state.pointee.stopAt ? PCRE2_ERROR_CALLOUT : 0
}

/// A process-wide stop for running regexes (`vigie run` asks for it on SIGINT and SIGTERM).
///
/// After ``request(graceMilliseconds:)``, regexes keep running for the grace period, so that
/// the lines already read are decided as usual; after it, a regex search that starts is cut off at
/// its first check, and one already running ends within its own time limit, so a stop takes
/// effect whatever the patterns are doing.
public enum RegexStop {
    nonisolated(unsafe) private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()
    nonisolated(unsafe) private static var cutOff: UInt64?

    /// Asks every regex to stop once `graceMilliseconds` have passed (the earliest request wins).
    public static func request(graceMilliseconds: Int = 200) {
        let at = monotonicNanoseconds() &+ UInt64(max(0, graceMilliseconds)) &* 1_000_000
        pthread_mutex_lock(lock)
        if cutOff == nil || at < cutOff! { cutOff = at }
        pthread_mutex_unlock(lock)
    }

    /// Forgets a stop (tests that run many stops in one process).
    package static func reset() {
        pthread_mutex_lock(lock)
        cutOff = nil
        pthread_mutex_unlock(lock)
    }

    /// The monotonic time after which regexes are cut off, if a stop was asked for.
    package static var cutOffTime: UInt64? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return cutOff
    }
}

/// Per-worker matching state: match data, a match context with limits, the guard's state and a
/// JIT stack. Never shared between threads.
public final class RegexScratch {
    package let matchData: OpaquePointer
    package let context: OpaquePointer
    package let jitStack: OpaquePointer?
    package let empty = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    package let guardState: UnsafeMutablePointer<RegexGuardState>
    /// The highest match limit a call gets, whatever the subject's length.
    public let matchLimit: UInt32

    /// The time limit of one match call, or nil for ``Regex/timeLimit(forLength:)``.
    public var timeLimitNanoseconds: UInt64?

    /// Creates scratch space with a cap on the match limit (PCRE2's count of backtracking steps
    /// from one start position; each call uses ``Regex/matchLimit(forLength:)`` under it), a
    /// depth limit, and a time limit per call (nil: ``Regex/timeLimit(forLength:)``).
    public init(matchLimit: UInt32 = 1_000_000, depthLimit: UInt32 = 10_000, timeLimitNanoseconds: UInt64? = nil) {
        self.matchLimit = matchLimit
        self.timeLimitNanoseconds = timeLimitNanoseconds
        matchData = pcre2_match_data_create_8(1, nil)!
        context = pcre2_match_context_create_8(nil)!
        pcre2_set_match_limit_8(context, matchLimit)
        pcre2_set_depth_limit_8(context, depthLimit)
        guardState = .allocate(capacity: 1)
        guardState.initialize(to: RegexGuardState(limit: 0))
        pcre2_set_callout_8(context, regexGuard, UnsafeMutableRawPointer(guardState))
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 1024 * 1024, nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
        guardState.deallocate()
        empty.deallocate()
    }
}
