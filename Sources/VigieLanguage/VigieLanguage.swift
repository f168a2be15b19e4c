// VigieLanguage — the rule language, from bytes to a checked `RuleSet`.
//
// Owns: `Syntax/` (tokens, `Lexer`, the syntax tree, `Parser` with recovery: one diagnostic per
// mistake) and `Semantics/` (`RuleSetLoader`: files and list files confined to the rules folder,
// regular files only; `Checker`: names across files, types against the input schema, cycles,
// templates and placeholders; `RulesVersion`; `TemplateText`).
//
// Uses: VigieCore, VigieText (terms are normalized when checked), VigieRegex (regexes are
// compiled when checked). Swift 6 language mode.
