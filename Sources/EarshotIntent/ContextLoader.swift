import Yams

/// Walks the YAML node tree of a context file, checking its shape, names, slot values and
/// expressions, and reporting the first mistake with its line and column.
struct ContextLoader {
    private let yaml: String
    private let locator: ScalarLocator

    init(yaml: String) {
        self.yaml = yaml
        self.locator = ScalarLocator(yaml: yaml)
    }

    func load() throws(ContextError) -> Context {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ContextError(.invalidStructure, line: 1, column: 1, "empty file: expected a 'context:' mapping")
            }
            root = node
        } catch let error as ContextError {
            throw error
        } catch let error as YamlError {
            throw Self.contextError(error)
        } catch {
            throw ContextError(.invalidYAML, line: 1, column: 1, "not YAML: \(error)")
        }

        let top = try mapping(root, what: "the file")
        try onlyKeys(["context"], in: top, what: "the file")
        guard let contextNode = top["context"] else {
            throw error(.invalidStructure, at: root, "expected a 'context:' mapping at the top")
        }
        let context = try mapping(contextNode, what: "'context'")
        try onlyKeys(["expressions", "slots"], in: context, what: "'context'")

        var slotTypes: [SlotType] = []
        if let slotsNode = context["slots"], slotsNode.null == nil {
            for (key, value) in try mapping(slotsNode, what: "'slots'") {
                slotTypes.append(try slotType(key: key, value: value))
            }
        }
        let typeNames = Set(slotTypes.map(\.name))

        guard let expressionsNode = context["expressions"] else {
            throw error(.invalidStructure, at: contextNode, "'context' has no 'expressions:' mapping")
        }
        var intents: [IntentDefinition] = []
        for (key, value) in try mapping(expressionsNode, what: "'expressions'") {
            intents.append(try intent(key: key, value: value, slotTypes: typeNames))
        }
        if intents.isEmpty {
            throw error(.noExpressions, at: expressionsNode, "'expressions' declares no intent")
        }
        return Context(intents: intents, slotTypes: slotTypes)
    }

    // MARK: - Parts

    private func slotType(key: Node, value: Node) throws(ContextError) -> SlotType {
        let name = try identifier(key, what: "slot type")
        if value.null != nil {
            throw error(.noSlotValues, at: key, "slot type '\(name)' has no values")
        }
        guard let items = value.sequence else {
            throw error(.invalidStructure, at: value, "slot type '\(name)' must be a list of values")
        }
        var values: [SlotValue] = []
        var seen: [String: Node] = [:]
        for item in items {
            let spokenNode: Node
            var reported: String?
            if let pair = item.mapping {
                guard pair.count == 1, let only = pair.first else {
                    throw error(.invalidStructure, at: item, "a slot value mapping holds one pair: {spoken words: value}")
                }
                let (spoken, valueNode) = (only.key, only.value)
                guard let text = valueNode.scalar?.string, !text.isEmpty, valueNode.null == nil else {
                    throw error(
                        .invalidStructure, at: valueNode,
                        "the value reported for '\(spoken.scalar?.string ?? "")' must be a non-empty scalar")
                }
                spokenNode = spoken
                reported = text
            } else {
                spokenNode = item
            }
            guard let scalar = spokenNode.scalar else {
                throw error(.invalidStructure, at: spokenNode, "a slot value is words or {spoken words: value}")
            }
            let words: [String]
            do {
                words = try ExpressionParser.words(of: scalar.string)
            } catch {
                throw locate(error, in: scalar)
            }
            let value = SlotValue(words: words, value: reported)
            if seen[value.spoken] != nil {
                throw self.error(.duplicateSlotValue, at: spokenNode, "slot type '\(name)' lists '\(value.spoken)' twice")
            }
            seen[value.spoken] = spokenNode
            values.append(value)
        }
        if values.isEmpty {
            throw error(.noSlotValues, at: key, "slot type '\(name)' has no values")
        }
        return SlotType(name: name, values: values)
    }

    private func intent(key: Node, value: Node, slotTypes: Set<String>) throws(ContextError) -> IntentDefinition {
        let name = try identifier(key, what: "intent")
        if value.null != nil {
            throw error(.noExpressions, at: key, "intent '\(name)' has no expressions")
        }
        let items: [Node]
        if let sequence = value.sequence {
            items = Array(sequence)
        } else if value.scalar != nil {
            items = [value]
        } else {
            throw error(.invalidStructure, at: value, "intent '\(name)' must be a list of expressions")
        }
        if items.isEmpty {
            throw error(.noExpressions, at: key, "intent '\(name)' has no expressions")
        }
        var expressions: [IntentExpression] = []
        for item in items {
            guard let scalar = item.scalar else {
                throw error(.invalidStructure, at: item, "an expression is a string, e.g. \"turn on (the) $room:room lights\"")
            }
            var parser = ExpressionParser(scalar.string, slotTypes: slotTypes)
            let pattern: ExpressionPattern
            do {
                pattern = try parser.parse()
            } catch {
                throw locate(error, in: scalar)
            }
            let start = locator.position(of: 0, in: scalar)
            expressions.append(IntentExpression(text: scalar.string, pattern: pattern, line: start.line, column: start.column))
        }
        return IntentDefinition(name: name, expressions: expressions)
    }

    // MARK: - Helpers

    private func mapping(_ node: Node, what: String) throws(ContextError) -> Node.Mapping {
        guard let mapping = node.mapping else {
            throw error(.invalidStructure, at: node, "\(what) must be a mapping")
        }
        return mapping
    }

    private func onlyKeys(_ allowed: Set<String>, in mapping: Node.Mapping, what: String) throws(ContextError) {
        for key in mapping.keys where !allowed.contains(key.scalar?.string ?? "") {
            throw error(
                .invalidStructure, at: key,
                "unknown key '\(key.scalar?.string ?? "?")' in \(what) (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    private func identifier(_ node: Node, what: String) throws(ContextError) -> String {
        guard let name = node.scalar?.string,
            let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic,
            name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") })
        else {
            throw error(
                .invalidName, at: node,
                "\(what) name '\(node.scalar?.string ?? "?")' must be an identifier (a letter, then letters, digits or '_')")
        }
        return name
    }

    private func error(_ code: ContextError.Code, at node: Node, _ message: String) -> ContextError {
        let mark = node.mark
        return ContextError(code, line: mark?.line ?? 0, column: mark?.column ?? 0, message)
    }

    private func locate(_ error: ExpressionSyntaxError, in scalar: Node.Scalar) -> ContextError {
        let position = locator.position(of: error.offset, in: scalar)
        return ContextError(error.code, line: position.line, column: position.column, error.message)
    }

    private static func contextError(_ error: YamlError) -> ContextError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text) at \($0.mark): " } ?? ""
            return ContextError(.invalidYAML, line: mark.line, column: mark.column, "not YAML: \(detail)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ContextError(
                .duplicateName, line: context.mark.line, column: context.mark.column,
                "the mapping declares \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) twice")
        default:
            return ContextError(.invalidYAML, line: 1, column: 1, "not YAML: \(error)")
        }
    }
}
