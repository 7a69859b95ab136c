/// A TFLite builtin operator code (the schema's `BuiltinOperator`), with the operators
/// EarshotInference runs named as constants.
public struct BuiltinOperator: Hashable, Sendable, CustomStringConvertible {
    /// The numeric code from the schema.
    public let code: Int32

    /// Creates an operator from its schema code.
    public init(code: Int32) { self.code = code }

    /// `ADD`.
    public static let add = BuiltinOperator(code: 0)
    /// `AVERAGE_POOL_2D`.
    public static let averagePool2D = BuiltinOperator(code: 1)
    /// `CONCATENATION`.
    public static let concatenation = BuiltinOperator(code: 2)
    /// `CONV_2D`.
    public static let conv2D = BuiltinOperator(code: 3)
    /// `DEPTHWISE_CONV_2D`.
    public static let depthwiseConv2D = BuiltinOperator(code: 4)
    /// `DEQUANTIZE`.
    public static let dequantize = BuiltinOperator(code: 6)
    /// `FULLY_CONNECTED`.
    public static let fullyConnected = BuiltinOperator(code: 9)
    /// `LOGISTIC`.
    public static let logistic = BuiltinOperator(code: 14)
    /// `MAX_POOL_2D`.
    public static let maxPool2D = BuiltinOperator(code: 17)
    /// `MUL`.
    public static let mul = BuiltinOperator(code: 18)
    /// `RESHAPE`.
    public static let reshape = BuiltinOperator(code: 22)
    /// `SOFTMAX`.
    public static let softmax = BuiltinOperator(code: 25)
    /// `CUSTOM`.
    public static let custom = BuiltinOperator(code: 32)
    /// `PAD`.
    public static let pad = BuiltinOperator(code: 34)
    /// `TRANSPOSE`.
    public static let transpose = BuiltinOperator(code: 39)
    /// `MEAN`.
    public static let mean = BuiltinOperator(code: 40)
    /// `SUB`.
    public static let sub = BuiltinOperator(code: 41)
    /// `SQUEEZE`.
    public static let squeeze = BuiltinOperator(code: 43)
    /// `STRIDED_SLICE`.
    public static let stridedSlice = BuiltinOperator(code: 45)
    /// `MAXIMUM`.
    public static let maximum = BuiltinOperator(code: 55)
    /// `MINIMUM`.
    public static let minimum = BuiltinOperator(code: 57)
    /// `GREATER_EQUAL`.
    public static let greaterEqual = BuiltinOperator(code: 62)
    /// `EXPAND_DIMS`.
    public static let expandDims = BuiltinOperator(code: 70)
    /// `LOG`.
    public static let log = BuiltinOperator(code: 73)
    /// `RSQRT`.
    public static let rsqrt = BuiltinOperator(code: 76)
    /// `REDUCE_MAX`.
    public static let reduceMax = BuiltinOperator(code: 82)
    /// `LEAKY_RELU`.
    public static let leakyRelu = BuiltinOperator(code: 98)
    /// `SPLIT_V`.
    public static let splitV = BuiltinOperator(code: 102)
    /// `QUANTIZE`.
    public static let quantize = BuiltinOperator(code: 114)
    /// `IF`.
    public static let `if` = BuiltinOperator(code: 118)
    /// `BATCH_MATMUL`.
    public static let batchMatMul = BuiltinOperator(code: 126)
    /// `CALL_ONCE`.
    public static let callOnce = BuiltinOperator(code: 129)
    /// `VAR_HANDLE`.
    public static let varHandle = BuiltinOperator(code: 142)
    /// `READ_VARIABLE`.
    public static let readVariable = BuiltinOperator(code: 143)
    /// `ASSIGN_VARIABLE`.
    public static let assignVariable = BuiltinOperator(code: 144)

    /// The schema's name for the operator, e.g. `CONV_2D`.
    public var name: String {
        code >= 0 && Int(code) < Self.names.count ? Self.names[Int(code)] : "BUILTIN_\(code)"
    }

    public var description: String { name }

    // Names of the schema's BuiltinOperator enum, indexed by code.
    private static let names: [String] = [
        "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D",
        "DEPTH_TO_SPACE", "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED",
        "HASHTABLE_LOOKUP", "L2_NORMALIZATION", "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION",
        "LOGISTIC", "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU", "RELU_N1_TO_1",
        "RELU6", "RESHAPE", "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH",
        "CONCAT_EMBEDDINGS", "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD",
        "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND",
        "TRANSPOSE", "MEAN", "SUB", "DIV", "SQUEEZE", "UNIDIRECTIONAL_SEQUENCE_LSTM",
        "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP", "TOPK_V2", "SPLIT", "LOG_SOFTMAX",
        "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU", "MAXIMUM", "ARG_MAX",
        "MINIMUM", "LESS", "NEG", "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT",
        "SLICE", "SIN", "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL",
        "NOT_EQUAL", "LOG", "SUM", "SQRT", "RSQRT", "SHAPE", "POW", "ARG_MIN", "FAKE_QUANT",
        "REDUCE_PROD", "REDUCE_MAX", "PACK", "LOGICAL_OR", "ONE_HOT", "LOGICAL_AND", "LOGICAL_NOT",
        "UNPACK", "REDUCE_MIN", "FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE", "FILL",
        "FLOOR_MOD", "RANGE", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU", "SQUARED_DIFFERENCE",
        "MIRROR_PAD", "ABS", "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2", "ADD_N", "GATHER_ND",
        "COS", "WHERE", "RANK", "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG", "QUANTIZE",
        "MATRIX_SET_DIAG", "ROUND", "HARD_SWISH", "IF", "WHILE", "NON_MAX_SUPPRESSION_V4",
        "NON_MAX_SUPPRESSION_V5", "SCATTER_ND", "SELECT_V2", "DENSIFY", "SEGMENT_SUM",
        "BATCH_MATMUL", "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE", "BROADCAST_TO",
        "RFFT2D", "CONV_3D", "IMAG", "REAL", "COMPLEX_ABS", "HASHTABLE", "HASHTABLE_FIND",
        "HASHTABLE_IMPORT", "HASHTABLE_SIZE", "REDUCE_ALL", "CONV_3D_TRANSPOSE", "VAR_HANDLE",
        "READ_VARIABLE", "ASSIGN_VARIABLE", "BROADCAST_ARGS", "RANDOM_STANDARD_NORMAL",
        "BUCKETIZE", "RANDOM_UNIFORM", "MULTINOMIAL", "GELU", "DYNAMIC_UPDATE_SLICE",
        "RELU_0_TO_1", "UNSORTED_SEGMENT_PROD", "UNSORTED_SEGMENT_MAX", "UNSORTED_SEGMENT_SUM",
        "ATAN2", "UNSORTED_SEGMENT_MIN", "SIGN", "BITCAST", "BITWISE_XOR", "RIGHT_SHIFT",
        "STABLEHLO_LOGISTIC", "STABLEHLO_ADD", "STABLEHLO_DIVIDE", "STABLEHLO_MULTIPLY",
        "STABLEHLO_MAXIMUM", "STABLEHLO_RESHAPE", "STABLEHLO_CLAMP", "STABLEHLO_CONCATENATE",
        "STABLEHLO_BROADCAST_IN_DIM", "STABLEHLO_CONVOLUTION", "STABLEHLO_SLICE",
        "STABLEHLO_CUSTOM_CALL", "STABLEHLO_REDUCE", "STABLEHLO_ABS", "STABLEHLO_AND",
        "STABLEHLO_COSINE", "STABLEHLO_EXPONENTIAL", "STABLEHLO_FLOOR", "STABLEHLO_LOG",
        "STABLEHLO_MINIMUM", "STABLEHLO_NEGATE", "STABLEHLO_OR", "STABLEHLO_POWER",
        "STABLEHLO_REMAINDER", "STABLEHLO_RSQRT", "STABLEHLO_SELECT", "STABLEHLO_SUBTRACT",
        "STABLEHLO_TANH", "STABLEHLO_SCATTER", "STABLEHLO_COMPARE", "STABLEHLO_CONVERT",
        "STABLEHLO_DYNAMIC_SLICE", "STABLEHLO_DYNAMIC_UPDATE_SLICE", "STABLEHLO_PAD",
        "STABLEHLO_IOTA", "STABLEHLO_DOT_GENERAL", "STABLEHLO_REDUCE_WINDOW", "STABLEHLO_SORT",
        "STABLEHLO_WHILE", "STABLEHLO_GATHER", "STABLEHLO_TRANSPOSE", "DILATE",
        "STABLEHLO_RNG_BIT_GENERATOR", "REDUCE_WINDOW", "STABLEHLO_COMPOSITE",
        "STABLEHLO_SHIFT_LEFT", "STABLEHLO_CBRT", "STABLEHLO_CASE",
    ]
}
