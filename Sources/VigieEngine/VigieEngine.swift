// VigieEngine — compile a `RuleSet` and decide comments. The only target that owns raw memory
// beyond the text tables and the C boundary.
//
// Owns: `Compile/` (`Compiler`: terms → patterns → one `AhoCorasick` automaton, regexes with
// their literal prefilters, the hash-consed condition DAG `Node`, its `FlatGraph`, rule gates →
// `Program`); `Engine/` (`JSONDocument`, `Evaluator` — the one interpreter of the condition
// graph, with a trace hook — `StateStage` and its state file, `StatePlan` (how state is keyed:
// `vigie plan`), `Decision` and precedence, templates, `StreamRunner`, `RunControl`,
// `RulesReloader`, `RawVec`); `Output/`
// (`DecisionWriter`: the output line; `Explainer`: a trace in words).
//
// Uses: VigieCore, VigieText, VigieRegex, VigieLanguage. Swift 6 language mode.
