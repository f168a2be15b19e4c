// VigieImport — `vigie import automoderator`.
//
// Owns: reading AutoModerator YAML within limits (depth, alias expansion), translating its
// checks and actions into Vigie rules, the report of what could not be carried over (also written
// as comments in the output), and a generated test per imported rule (RegexSample builds a text
// a pattern matches; GeneratedTests checks each test on the compiled rules before writing it).
//
// Uses: VigieCore, VigieRegex, VigieLanguage, VigieEngine, VigieRuleTests, VigieFormat, Yams.
