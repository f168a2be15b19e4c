// VigieLint — advice on rules, and the diagnostic reporters.
//
// Owns: `Lint/` (one file per lint rule in `Lint/Rules/`, each with its documentation and
// examples that are tests; the registry, suppressions, configuration, regex analysis) and
// `Reporters/` (text, JSON, SARIF, GitHub: the one set of reporters `vigie check` and
// `vigie lint` write through, with one JSON schema).
//
// Uses: VigieCore, VigieText, VigieRegex, VigieLanguage, VigieEngine, VigieRuleTests.
