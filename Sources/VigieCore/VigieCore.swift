// VigieCore — what every phase shares, and nothing that knows rules or comments.
//
// Owns: `SourceFile` and `Span` (bytes of a file, UTF-8 offsets, line and column on demand);
// `Diagnostic` (id, severity, message, spans, labels, notes, help) and its text renderer;
// `ErrorCatalog` (every compiler error id with its explanation, `vigie explain-error`); the
// action table `ActionKind` (one row per action: keyword, argument, options, precedence, JSON
// fields, labels); `JSONWriter`; exit statuses, terminal facts and the progress line.
//
// Uses: nothing but Foundation. Swift 6 language mode.
