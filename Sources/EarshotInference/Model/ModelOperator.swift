/// An operator node as the model file declares it. Tensor index -1 means "absent input".
struct ModelOperator: Sendable {
    var opcode: BuiltinOperator
    var inputs: [Int]
    var outputs: [Int]
    var options: OperatorOptions
}
