/// Word error rate of a hypothesis against a reference: the fewest word substitutions,
/// deletions and insertions that turn the reference into the hypothesis (Levenshtein
/// distance over words), over the number of reference words.
///
/// Results over several utterances add up with `+`, which sums the counts (the rate of a
/// corpus is its total errors over its total reference words, not the mean of the rates).
public struct WordErrorRate: Sendable, Equatable, CustomStringConvertible {
    /// Reference words replaced by another word.
    public var substitutions: Int
    /// Reference words missing from the hypothesis.
    public var deletions: Int
    /// Hypothesis words with no reference word.
    public var insertions: Int
    /// Words in the reference.
    public var referenceWords: Int

    /// Creates a result from counts.
    public init(substitutions: Int = 0, deletions: Int = 0, insertions: Int = 0, referenceWords: Int = 0) {
        self.substitutions = substitutions
        self.deletions = deletions
        self.insertions = insertions
        self.referenceWords = referenceWords
    }

    /// Aligns two texts split at white space; words compare case-insensitively.
    public init(reference: String, hypothesis: String) {
        self.init(
            reference: reference.lowercased().split(whereSeparator: \.isWhitespace).map(String.init),
            hypothesis: hypothesis.lowercased().split(whereSeparator: \.isWhitespace).map(String.init))
    }

    /// Aligns two word lists (compared exactly).
    public init(reference: [String], hypothesis: [String]) {
        let rows = reference.count + 1
        let columns = hypothesis.count + 1
        // cost[i * columns + j]: edits between reference[..<i] and hypothesis[..<j].
        var cost = [Int](repeating: 0, count: rows * columns)
        for i in 0..<rows { cost[i * columns] = i }
        for j in 0..<columns { cost[j] = j }
        for i in 1..<max(rows, 1) {
            for j in 1..<max(columns, 1) {
                let diagonal = cost[(i - 1) * columns + j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0 : 1)
                let deletion = cost[(i - 1) * columns + j] + 1
                let insertion = cost[i * columns + j - 1] + 1
                cost[i * columns + j] = min(diagonal, deletion, insertion)
            }
        }
        // Walk back along one optimal path, counting each kind of edit.
        var counts = WordErrorRate(referenceWords: reference.count)
        var i = reference.count
        var j = hypothesis.count
        while i > 0 || j > 0 {
            let here = cost[i * columns + j]
            if i > 0, j > 0, here == cost[(i - 1) * columns + j - 1] + (reference[i - 1] == hypothesis[j - 1] ? 0 : 1) {
                if reference[i - 1] != hypothesis[j - 1] { counts.substitutions += 1 }
                i -= 1
                j -= 1
            } else if i > 0, here == cost[(i - 1) * columns + j] + 1 {
                counts.deletions += 1
                i -= 1
            } else {
                counts.insertions += 1
                j -= 1
            }
        }
        self = counts
    }

    /// Substitutions, deletions and insertions together.
    public var errors: Int { substitutions + deletions + insertions }

    /// Errors over reference words (0 for an empty reference with an empty hypothesis).
    public var rate: Double {
        referenceWords > 0 ? Double(errors) / Double(referenceWords) : (errors == 0 ? 0 : .infinity)
    }

    /// Sums the counts of two results.
    public static func + (lhs: WordErrorRate, rhs: WordErrorRate) -> WordErrorRate {
        WordErrorRate(
            substitutions: lhs.substitutions + rhs.substitutions, deletions: lhs.deletions + rhs.deletions,
            insertions: lhs.insertions + rhs.insertions, referenceWords: lhs.referenceWords + rhs.referenceWords)
    }

    /// Adds the counts of another result.
    public static func += (lhs: inout WordErrorRate, rhs: WordErrorRate) { lhs = lhs + rhs }

    /// `WER 21.88% (21 errors: 14 substitutions, 3 deletions, 4 insertions; 96 reference words)`.
    public var description: String {
        let percent = (rate * 10_000).rounded() / 100
        return "WER \(percent)% (\(errors) errors: \(substitutions) substitutions, \(deletions) deletions, "
            + "\(insertions) insertions; \(referenceWords) reference words)"
    }
}
