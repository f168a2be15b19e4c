// VigieRegex — PCRE2, with every cost bounded.
//
// Owns: `Regex` (a compiled pattern shared read-only by the workers), `RegexScratch` (one per
// worker: match data, JIT stack, match/depth/heap limits) and the refusal of constructs whose
// cost cannot be bounded. The only target that calls the C library.
//
// Uses: VigieCore, CPCRE2. Swift 6 language mode.
