// libFuzzer target: the normalizer. Whatever the bytes and whatever the stages (the first byte
// picks them, as `normalize except` would), the origin map stays inside the input and every
// normalized range maps back to a range of the original. Built and run by scripts/fuzz.sh.
@testable import VigieCore
@testable import VigieText
@testable import VigieRegex
@testable import VigieLanguage
@testable import VigieEngine

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNormalizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let stages = NormalizationStages(rawValue: UInt16(data[0])).intersection(.all)
    let input = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    var out = NormalizedText()
    Normalizer(stages: stages).normalize(input, into: &out)
    let n = out.bytes.count
    precondition(out.origin.count == n && out.originEnd.count == n, "origin map of \(out.origin.count)/\(out.originEnd.count) entries for \(n) bytes")
    for i in 0..<n {
        precondition(
            out.origin[i] >= 0 && out.origin[i] <= out.originEnd[i] && Int(out.originEnd[i]) <= input.count,
            "byte \(i) maps to \(out.origin[i])..<\(out.originEnd[i]) of \(input.count)")
    }
    if n > 0 {
        let r = out.originalRange(0, n)
        precondition(r.lowerBound >= 0 && r.upperBound <= input.count)
        let s = Int(data[0]) % n
        let e = s + 1 + Int(data[size - 1]) % (n - s)
        let q = out.originalRange(s, e)
        precondition(q.lowerBound >= 0 && q.lowerBound <= q.upperBound && q.upperBound <= input.count)
    }
    // The string form and the match key never fail either.
    let text = String(decoding: input, as: UTF8.self)
    _ = Normalizer(stages: stages).normalize(text)
    _ = Normalizer(stages: stages).matchKey(text)
    return 0
}
