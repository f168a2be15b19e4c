import VigieCore
import VigieText
import VigieRegex
import VigieLanguage
import VigieEngine
import VigieRuleTests

/// Every lint rule, in the order they are documented and run.
public enum LintRegistry {
    /// The rule types. Add a new rule here (and in `Grammar/LINT.md`, which a test regenerates).
    public static let rules: [any LintRule.Type] = [
        RegexCatastrophicBacktrackingRule.self,
        RegexEmptyMatchRule.self,
        RegexNoLiteralRule.self,
        TermNeverMatchesRule.self,
        TermShortSubstringRule.self,
        TermFuzzyNearCommonWordRule.self,
        TermInflectedCommonFormRule.self,
        ListDuplicateTermRule.self,
        ListUnusedRule.self,
        TemplateUnusedRule.self,
        TemplateUnknownPlaceholderRule.self,
        TemplateMissingLanguageRule.self,
        RuleHideAndReplyRule.self,
        RuleShadowedByAllowRule.self,
        RuleUntestedRule.self,
        UnusedSuppressionRule.self,
    ]

    /// The descriptions of every rule, in registry order.
    public static let descriptions: [LintRuleDescription] = rules.map { $0.description }

    /// The description of a lint rule id (or of a checker id it replaces, such as `W002`).
    public static func description(for id: String) -> LintRuleDescription? {
        if let d = descriptions.first(where: { $0.id == id }) { return d }
        return descriptions.first { $0.replacesCheckerIDs.contains(id.uppercased()) }
    }

    /// The id a configuration key or suppression stands for: a lint rule id, the lint rule that
    /// replaces a checker id (`W002`), or a checker warning id (`W001`); nil otherwise.
    public static func configurableID(_ key: String) -> String? {
        if let d = description(for: key) { return d.id }
        let upper = key.uppercased()
        if upper.hasPrefix("W"), ErrorCatalog.entries[upper] != nil { return upper }
        return nil
    }

    /// Checker ids reported by a lint rule under the rule's id.
    package static let replacedCheckerIDs: [String: String] = {
        var m: [String: String] = [:]
        for d in descriptions { for c in d.replacesCheckerIDs { m[c] = d.id } }
        return m
    }()
}
