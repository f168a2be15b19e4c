// VigieReport — `vigie report`: what a stream of decisions says.
//
// Owns: streaming aggregation of decision lines (and optionally the comments), timelines,
// crises, terms; the text, JSON and HTML renderers.
//
// Uses: VigieCore, VigieEngine (the decision line's fields, the JSON scanner, times).
