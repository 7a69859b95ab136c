extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (Unicode white space other than
    /// line breaks), as Foundation's `trimmingCharacters(in: .whitespaces)` gives, without
    /// needing full Foundation (the edge binary links FoundationEssentials only).
    package func trimmingSpaces() -> String {
        trimming { $0.isWhitespace && !$0.isNewline }
    }

    /// The text without leading and trailing white space and line breaks, as Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` gives.
    package func trimmingSpacesAndNewlines() -> String {
        trimming { $0.isWhitespace }
    }

    private func trimming(_ isTrimmed: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !isTrimmed($0) }), let last = lastIndex(where: { !isTrimmed($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
