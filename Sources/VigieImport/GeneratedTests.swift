import Foundation
import VigieCore
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// The `test` blocks the import writes: one per imported rule, giving a comment built from the
/// rule's own terms (a value of each positive search check, a karma or age past each threshold,
/// the marks it asks for) and expecting the rule's actions `by` the rule.
///
/// Each test is run on the compiled rules before it is written: a test that would fail (the
/// sample does not satisfy a regex, a higher-priority `allow` exempts the rule, a shadow rule
/// applies nothing) is left out, with a comment at the end of the file and an `import/no-test`
/// entry in the report. So `vigie test` on the output passes, and every test written fails as
/// soon as its rule stops matching its own terms.
package enum GeneratedTests {
    /// The test blocks for `rules`, in the compiled `program`, and a comment line for each rule
    /// without one (with its reason).
    package static func write(_ rules: inout [ImportedRule], program: Program) -> (blocks: [String], missing: [(ImportedRule, String)]) {
        var blocks: [String] = []
        var missing: [(ImportedRule, String)] = []
        for k in rules.indices {
            let r = rules[k]
            if r.shadow {
                missing.append((r, "a shadow rule applies nothing, so a test cannot see it act"))
                continue
            }
            let line = json(r.sample)
            guard case .decision(let d) = Evaluator(program: program).evaluate(line: Array(line.utf8)) else {
                missing.append((r, "its sample comment is not valid input"))
                continue
            }
            guard d.matchedRules.contains(r.name) else {
                missing.append((r, "no comment built from its terms satisfies its condition"))
                continue
            }
            let own = d.actions.filter { $0.rules.contains(r.name) }
            let ownTags = r.tags.filter(d.tags.contains)
            guard !own.isEmpty || !ownTags.isEmpty else {
                missing.append((r, "its actions are exempted or merged away by other rules on its sample comment"))
                continue
            }
            var expect: [String] = []
            for a in d.actions {
                var s = a.kind.keyword
                if let arg = a.argument { s += " " + arg }
                if a.rules.contains(r.name) {
                    if let reason = a.reason { s += " " + vigieString(reason) }
                    if let sev = a.severity { s += " severity \(sev)" }
                    s += " by \(r.name)"
                }
                expect.append(s)
            }
            expect += ownTags.map { "tag " + $0 }
            blocks.append(
                """
                test "\(r.name) matches its own terms" {
                  given \(given(r.sample))
                  expect \(expect.joined(separator: ", "))
                }
                """)
            rules[k].tested = true
        }
        return (blocks, missing)
    }

    /// The nested object of a sample (paths `author.name` → `{author: {name: ...}}`).
    private static func tree(_ sample: [String: SampleValue]) -> [String: Any] {
        var root: [String: Any] = [:]
        func insert(_ path: ArraySlice<Substring>, _ v: SampleValue, into o: inout [String: Any]) {
            let key = String(path.first!)
            if path.count == 1 {
                o[key] = v
            } else {
                var child = o[key] as? [String: Any] ?? [:]
                insert(path.dropFirst(), v, into: &child)
                o[key] = child
            }
        }
        for (path, v) in sample { insert(ArraySlice(path.split(separator: ".")), v, into: &root) }
        return root
    }

    /// The sample as one JSON line.
    package static func json(_ sample: [String: SampleValue]) -> String {
        func write(_ o: [String: Any], _ w: inout JSONWriter) {
            w.beginObject()
            for key in o.keys.sorted() {
                w.key(key)
                switch o[key] {
                case let v as SampleValue:
                    switch v {
                    case .string(let s): w.string(s)
                    case .int(let n): w.int(n)
                    case .bool(let b): w.bool(b)
                    }
                case let child as [String: Any]: write(child, &w)
                default: w.null()
                }
            }
            w.endObject()
        }
        var w = JSONWriter()
        write(tree(sample), &w)
        return w.string
    }

    /// The sample in the `given { ... }` syntax of a test block.
    private static func given(_ sample: [String: SampleValue]) -> String {
        func write(_ o: [String: Any]) -> String {
            let fields = o.keys.sorted().map { key -> String in
                switch o[key] {
                case let v as SampleValue:
                    switch v {
                    case .string(let s): return "\(key): \(vigieString(s))"
                    case .int(let n): return "\(key): \(n)"
                    case .bool(let b): return "\(key): \(b)"
                    }
                case let child as [String: Any]: return "\(key): \(write(child))"
                default: return "\(key): null"
                }
            }
            return "{ " + fields.joined(separator: ", ") + " }"
        }
        return write(tree(sample))
    }
}
