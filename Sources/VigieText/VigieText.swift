// VigieText — text as rules see it.
//
// Owns: `Normalizer` (the pipeline of normalization stages, one pass over the bytes, with a map
// back to the original bytes and the language evidence gathered as each word is written),
// `NormalizationStages`, `NormalizedText`, `LanguageDetector` and `LanguageScore`.
//
// Uses: VigieCore. Swift 6 language mode. Its tables are raw memory it allocates once and
// never frees (they are shared, read-only, by every worker).
