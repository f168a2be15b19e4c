// VigieRuleTests — rules checked against examples and corpora.
//
// Owns: `vigie test` (test blocks, rule examples, `*.tests.jsonl`, coverage), `vigie eval` and
// `vigie diff` (backtests, confusion per action and rule), and their text and JSON renderers.
//
// Uses: VigieCore, VigieLanguage, VigieEngine.
