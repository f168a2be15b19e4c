// VigieImport — `vigie import automoderator`.
//
// Owns: reading AutoModerator YAML within limits (depth, alias expansion), translating its
// checks and actions into Vigie rules, the report of what could not be carried over.
//
// Uses: VigieCore, VigieRegex, VigieLanguage, VigieFormat, Yams.
