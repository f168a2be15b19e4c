// VigieBench — `vigie bench`: generated workloads and the naive baseline.
//
// Owns: the generated rule sets and corpora, the naive PCRE2 loop, the stateful benchmark and
// their renderers.
//
// Uses: VigieCore, VigieText, VigieRegex, VigieLanguage, VigieEngine.
