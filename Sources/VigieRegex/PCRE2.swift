import CPCRE2
import VigieCore

/// A compiled PCRE2 regular expression, shared read-only between workers.
///
/// This file holds every `pcre2_*` call in Vigie. Patterns compile with `PCRE2_UTF`, `PCRE2_UCP`
/// and `PCRE2_MATCH_INVALID_UTF` (so any bytes can be matched safely) and are JIT-compiled when
/// the platform allows. Matching uses a per-worker ``RegexScratch`` with a match limit.
public final class Regex: @unchecked Sendable {
    /// A compile error with the byte offset PCRE2 reported inside the pattern.
    public struct CompileError: Error, Sendable {
        /// PCRE2's message.
        public var message: String
        /// Byte offset in the pattern.
        public var offset: Int
    }

    /// The result of one match attempt.
    public enum MatchResult: Equatable, Sendable {
        /// A match at this byte range of the subject.
        case match(Range<Int>)
        /// No match.
        case noMatch
        /// The match limit was hit: the attempt was cut off.
        case limitExceeded
        /// Another PCRE2 error code.
        case error(Int32)
    }

    package let code: OpaquePointer
    /// The pattern as written.
    public let pattern: String
    /// Whether JIT compilation succeeded.
    public let isJIT: Bool

    /// Compiles `pattern` with flags letters `i`, `m`, `s`, `x` (and `u`, always on).
    public init(_ pattern: String, flags: String = "") throws(CompileError) {
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
        code = compiled
        self.pattern = pattern
        isJIT = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
    }

    deinit { pcre2_code_free_8(code) }

    /// Finds the first match in `subject` starting at byte `from`.
    public func firstMatch(in subject: UnsafeBufferPointer<UInt8>, from: Int = 0, scratch: RegexScratch) -> MatchResult {
        let base = subject.baseAddress ?? UnsafePointer(scratch.empty)
        let rc = pcre2_match_8(code, base, subject.count, from, 0, scratch.matchData, scratch.context)
        if rc >= 0 {
            let ov = pcre2_get_ovector_pointer_8(scratch.matchData)!
            return .match(Int(ov[0])..<Int(ov[1]))
        }
        switch rc {
        case PCRE2_ERROR_NOMATCH: return .noMatch
        case PCRE2_ERROR_MATCHLIMIT, PCRE2_ERROR_DEPTHLIMIT, PCRE2_ERROR_HEAPLIMIT, PCRE2_ERROR_JIT_STACKLIMIT: return .limitExceeded
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

/// Per-worker matching state: match data, a match context with limits, and a JIT stack.
/// Never shared between threads.
public final class RegexScratch {
    package let matchData: OpaquePointer
    package let context: OpaquePointer
    package let jitStack: OpaquePointer?
    package let empty = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

    /// Creates scratch space with a match limit (PCRE2's count of backtracking steps) and a
    /// depth limit.
    public init(matchLimit: UInt32 = 1_000_000, depthLimit: UInt32 = 10_000) {
        matchData = pcre2_match_data_create_8(1, nil)!
        context = pcre2_match_context_create_8(nil)!
        pcre2_set_match_limit_8(context, matchLimit)
        pcre2_set_depth_limit_8(context, depthLimit)
        jitStack = pcre2_jit_stack_create_8(32 * 1024, 1024 * 1024, nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
        empty.deallocate()
    }
}
