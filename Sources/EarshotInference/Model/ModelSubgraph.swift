/// A subgraph: its tensors, its inputs and outputs, and its operators in execution order.
struct ModelSubgraph: Sendable {
    var name: String
    var tensors: [ModelTensor]
    var inputs: [Int]
    var outputs: [Int]
    var operators: [ModelOperator]
}
