/// What kernels share while a model runs: the subgraphs (for IF and CALL_ONCE), resource
/// variable storage and the CALL_ONCE flags.
final class ExecutionContext {
    /// The requantization variant quantized kernels use.
    var rounding: RequantizationRounding = .liteRT
    var subgraphs: [SubgraphState] = []
    /// Storage of each resource variable, in the persistent region.
    var variables: [ResourceVariable] = []
    /// Whether each variable has been assigned since the last reset.
    var variableAssigned: [Bool] = []
    /// Whether each CALL_ONCE operator (by id) has run since the last reset.
    var callOnceDone: [Bool] = []
}

/// A resource variable: identified by container and shared name, with a fixed type and
/// byte size worked out at load from the values assigned to it.
struct ResourceVariable {
    var container: String
    var sharedName: String
    var type: TensorType
    var shape: [Int]
    var byteCount: Int
    var data: UnsafeMutableRawPointer?
}
