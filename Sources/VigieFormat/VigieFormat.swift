// VigieFormat — `vigie fmt`: the canonical layout of rule files.
//
// Owns: `SourceTokens` (tokens with comments), the layout builder and `Doc` printer,
// `RuleFormatter`, the syntax fingerprint that proves a layout kept the meaning, the unified diff.
//
// Uses: VigieCore, VigieLanguage.
