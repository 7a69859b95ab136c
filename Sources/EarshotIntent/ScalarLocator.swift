import Yams

/// Finds where a character of a YAML scalar's value stands in the YAML text.
///
/// libYAML marks only where a scalar starts (at its opening quote when quoted). To point at a
/// bracket inside an expression, the locator walks the source from that mark alongside the
/// value: it steps over the opening quote, `''` and backslash escapes, and the line breaks and
/// indentation that folding turned into single spaces. If source and value stop agreeing it
/// falls back to the scalar's own mark.
struct ScalarLocator {
    private let lines: [[Unicode.Scalar]]

    init(yaml: String) {
        var lines: [[Unicode.Scalar]] = [[]]
        var previousWasCR = false
        for scalar in yaml.unicodeScalars {
            if scalar == "\n" {
                if !previousWasCR { lines.append([]) }
                previousWasCR = false
            } else if scalar == "\r" {
                lines.append([])
                previousWasCR = true
            } else {
                lines[lines.count - 1].append(scalar)
                previousWasCR = false
            }
        }
        self.lines = lines
    }

    /// The line and column (both from 1) of the value's scalar at `offset`.
    func position(of offset: Int, in scalar: Node.Scalar) -> (line: Int, column: Int) {
        guard let mark = scalar.mark else { return (0, 0) }
        let fallback = (mark.line, mark.column)
        var line = mark.line - 1
        var column = mark.column - 1
        guard line < lines.count else { return fallback }

        func current() -> Unicode.Scalar? {
            guard line < lines.count else { return nil }
            return column < lines[line].count ? lines[line][column] : "\n"
        }
        func next() -> Unicode.Scalar? {
            guard line < lines.count else { return nil }
            return column + 1 < lines[line].count ? lines[line][column + 1] : "\n"
        }
        func advance(_ count: Int = 1) {
            for _ in 0..<count {
                if column < lines[line].count {
                    column += 1
                } else {
                    line += 1
                    column = 0
                }
                if line >= lines.count { return }
            }
        }

        switch scalar.style {
        case .singleQuoted, .doubleQuoted:
            advance()
        case .literal, .folded:
            line += 1
            column = 0
            while let c = current(), c == " " || c == "\t" { advance() }
        default:
            break
        }
        let value = Array(scalar.string.unicodeScalars)
        for index in 0..<min(offset, value.count) {
            guard let source = current() else { return fallback }
            let wanted = value[index]
            if scalar.style == .doubleQuoted && source == "\\" {
                switch next() {
                case "x": advance(4)
                case "u": advance(6)
                case "U": advance(10)
                default: advance(2)
                }
            } else if scalar.style == .singleQuoted && source == "'" && next() == "'" {
                advance(2)
            } else if source == wanted {
                advance()
            } else if source.properties.isWhitespace && wanted.properties.isWhitespace {
                while let c = current(), c.properties.isWhitespace { advance() }
            } else {
                return fallback
            }
        }
        guard line < lines.count else { return fallback }
        return (line + 1, column + 1)
    }
}
