import Foundation
import Testing

@testable import VigieCore
@testable import VigieText
@testable import VigieRegex
@testable import VigieLanguage
@testable import VigieEngine
@testable import VigieRuleTests
@testable import VigieLint
@testable import VigieFormat
@testable import VigieImport
@testable import VigieReport
@testable import VigieBench

/// The byte-level JSON reader against Foundation's, on documents small enough for the parser's
/// room on the stack and on documents that outgrow it.
struct JSONDocumentTests {
    /// A random object of `fields` members: strings (with escapes), numbers, booleans, nulls,
    /// arrays and nested objects.
    static func object(_ fields: Int, _ rng: inout SplitMix64, depth: Int = 0) -> [String: Any] {
        var o: [String: Any] = [:]
        for k in 0..<fields {
            let key = "k\(k)" + (rng.chance(0.1) ? "\"é\\" : "")
            switch rng.below(depth < 2 ? 7 : 5) {
            case 0: o[key] = "v\(rng.below(1000)) \"quoted\" \\ tab\t é 😀"
            case 1: o[key] = rng.below(1_000_000)
            case 2: o[key] = rng.chance(0.5)
            case 3: o[key] = NSNull()
            case 4: o[key] = Double(rng.below(10_000)) / 8
            case 5: o[key] = (0..<rng.below(6)).map { _ in rng.below(100) }
            default: o[key] = object(1 + rng.below(5), &rng, depth: depth + 1)
            }
        }
        return o
    }

    /// Every member of every object reads back as Foundation reads it, whatever the number of
    /// nodes (the parser starts on the stack and moves to the heap past 16 of them).
    @Test(arguments: [1, 5, 15, 16, 17, 40, 300])
    func readsWhatFoundationReads(fields: Int) throws {
        var rng = SplitMix64(state: UInt64(fields))
        for _ in 0..<20 {
            let o = Self.object(fields, &rng)
            let data = try JSONSerialization.data(withJSONObject: o)
            var doc = JSONDocument()
            try doc.parse(Array(data))
            try Self.check(o, doc.root, doc)
        }
    }

    static func check(_ o: [String: Any], _ node: Int, _ doc: JSONDocument) throws {
        #expect(doc.kind(node) == .object)
        for (key, value) in o {
            let n = try #require(doc.member(node, Array(key.utf8)), "no member \(key)")
            switch value {
            case let s as String: #expect(doc.kind(n) == .string && doc.string(n) == s)
            case let b as Bool: #expect(doc.kind(n) == .bool && doc.bool(n) == b)
            case let x as Int: #expect(doc.kind(n) == .number && doc.number(n) == Double(x))
            case let x as Double: #expect(doc.kind(n) == .number && doc.number(n) == x)
            case is NSNull: #expect(doc.kind(n) == .null)
            case let a as [Int]: #expect(doc.kind(n) == .array && doc.children(n).map { doc.number($0) } == a.map(Double.init))
            case let inner as [String: Any]: try check(inner, n, doc)
            default: Issue.record("unexpected value \(value)")
            }
        }
    }

    /// A broken document fails with its offset, on the stack and past it.
    @Test func brokenDocumentsFail() {
        var doc = JSONDocument()
        let many = "{" + (0..<40).map { "\"k\($0)\":[1,2,\($0)]" }.joined(separator: ",")
        for text in [#"{"a":1"#, #"{"a":}"#, many, many + ",}", #"{"a":tru}"#] {
            #expect(throws: JSONDocument.ParseError.self, "\(text)") { try doc.parse(Array(text.utf8)) }
        }
    }
}
