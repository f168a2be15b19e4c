import Foundation
import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine

/// Renders `vigie bench` results.
public enum BenchRenderer {
    /// A table for people.
    public static func text(_ rows: [BenchRow], jobs: Int) -> String {
        var out = "jobs \(jobs); end to end = JSON lines in → decisions out through the run pipeline"
        if let n = rows.first?.runs, n > 1 { out += " (fastest of \(n) runs)" }
        out += "\n"
        let naive = rows.contains { $0.naiveRate != nil }
        out += naive ? "rules   compile    comments/s     MB/s   matched   peak MB   naive/s (sample)    ratio   sample matches vigie/naive\n"
            : "rules   compile    comments/s     MB/s   matched   peak MB\n"
        for r in rows where !naive {
            out += String(format: "%-7d %6.0f ms  %11.0f  %7.1f  %8d  %8.0f\n",
                          r.rules, r.compileSeconds * 1000, r.rate, r.megabytesPerSecond, r.matched, Double(r.peakMemory) / 1e6)
        }
        for r in rows where naive {
            out += String(format: "%-7d %6.0f ms  %11.0f  %7.1f  %8d  %8.0f  %10.0f (%d)  %6.1f×   %d/%d\n",
                          r.rules, r.compileSeconds * 1000, r.rate, r.megabytesPerSecond, r.matched, Double(r.peakMemory) / 1e6,
                          r.naiveRate ?? 0, r.sample, r.ratio ?? 0, r.vigieMatchedOnSample ?? 0, r.naiveMatched ?? 0)
        }
        if let n = rows.first?.normalizeMicroseconds { out += String(format: "normalization alone: %.2f µs per comment\n", n) }
        if rows.count > 1, let a = rows.first(where: { $0.rules == 1000 }), let b = rows.first(where: { $0.rules == 10000 }) {
            out += String(format: "10,000 rules cost %.2f× the time per comment of 1,000 rules\n", (b.seconds / Double(b.comments)) / (a.seconds / Double(a.comments)))
        }
        return out
    }

    /// JSON (version 1).
    public static func json(_ rows: [BenchRow], jobs: Int) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("version"); w.int(1)
        w.key("jobs"); w.int(jobs)
        w.key("rows")
        w.beginArray()
        for r in rows {
            w.beginObject()
            w.key("rules"); w.int(r.rules)
            w.key("compile_ms"); w.number((r.compileSeconds * 1000).rounded())
            w.key("comments"); w.int(r.comments)
            w.key("seconds"); w.number((r.seconds * 1000).rounded() / 1000)
            w.key("runs"); w.int(r.runs)
            w.key("comments_per_second"); w.number(r.rate.rounded())
            w.key("mb_per_second"); w.number((r.megabytesPerSecond * 10).rounded() / 10)
            w.key("matched"); w.int(r.matched)
            w.key("peak_memory_bytes"); w.int(r.peakMemory)
            w.key("naive_comments_per_second"); if let n = r.naiveRate { w.number(n.rounded()) } else { w.null() }
            w.key("ratio"); if let x = r.ratio { w.number((x * 10).rounded() / 10) } else { w.null() }
            w.key("sample"); w.int(r.sample)
            w.key("sample_matched_naive"); if let n = r.naiveMatched { w.int(n) } else { w.null() }
            w.key("sample_matched_vigie"); if let n = r.vigieMatchedOnSample { w.int(n) } else { w.null() }
            w.key("normalize_us_per_comment"); if let n = r.normalizeMicroseconds { w.number((n * 100).rounded() / 100) } else { w.null() }
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.string + "\n"
    }
}
