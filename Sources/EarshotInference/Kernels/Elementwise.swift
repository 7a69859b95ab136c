/// ADD, SUB, MUL, MAXIMUM, MINIMUM and GREATER_EQUAL with broadcasting: float32 and int32
/// directly; int8 with TFLite's quantized arithmetic (ADD/SUB: both inputs rescaled to
/// twice the larger input scale with a 20-bit left shift, then to the output; MUL: one
/// multiplier `s1 * s2 / s_out`; MAXIMUM/MINIMUM/GREATER_EQUAL: on the raw values, which
/// TFLite requires to share scale and zero point).
enum ElementwiseOperator: OperatorDefinition {
    static func broadcast(_ node: Node) throws -> Broadcast {
        try node.requireCounts(inputs: 2...2, outputs: 1...1)
        let a = try node.input(0)
        let b = try node.input(1)
        try node.require(a.type == b.type, "inputs are \(a.type) and \(b.type)")
        return try Broadcast(a.shape, b.shape, node)
    }

    static func inferShapes(_ node: Node) throws {
        try node.setOutputShape(0, try broadcast(node).outputShape)
    }

    static func activation(_ node: Node) -> FusedActivation {
        if case .activation(let a) = node.op.options { return a }
        return .none
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        var shape = try broadcast(node)
        shape.computeIndices()
        let a = try node.input(0)
        let b = try node.input(1)
        let output = try node.output(0)
        let opcode = node.op.opcode
        let pointers = (try node.inputData(0), try node.inputData(1), try node.outputData(0))
        if opcode == .greaterEqual {
            try node.requireType(output, [.bool], "output")
            switch a.type {
            case .float32:
                return BinaryKernel<Float, Bool>(shape, pointers) { $0 >= $1 }
            case .int32:
                return BinaryKernel<Int32, Bool>(shape, pointers) { $0 >= $1 }
            case .int8:
                try node.require(a.scale == b.scale && a.zeroPoint == b.zeroPoint, "int8 inputs must share quantization")
                return BinaryKernel<Int8, Bool>(shape, pointers) { $0 >= $1 }
            default:
                throw InferenceError.unsupported("\(node.path): GREATER_EQUAL on \(a.type) is not supported")
            }
        }
        try node.require(output.type == a.type, "output is \(output.type), inputs \(a.type)")
        let act = activation(node)
        switch a.type {
        case .float32:
            let (lo, hi) = FixedPoint.activationRange(act)
            let operation: FloatBinaryKernel.Operation
            switch opcode {
            case .add: operation = .add
            case .sub: operation = .sub
            case .mul: operation = .mul
            case .maximum: operation = .maximum
            case .minimum: operation = .minimum
            default: throw InferenceError.unsupported("\(node.path): \(opcode.name) on \(a.type) is not supported")
            }
            return FloatBinaryKernel(shape, pointers, operation: operation, min: lo, max: hi)
        case .int32:
            switch opcode {
            case .add: return BinaryKernel<Int32, Int32>(shape, pointers) { $0 &+ $1 }
            case .sub: return BinaryKernel<Int32, Int32>(shape, pointers) { $0 &- $1 }
            case .mul: return BinaryKernel<Int32, Int32>(shape, pointers) { $0 &* $1 }
            case .maximum: return BinaryKernel<Int32, Int32>(shape, pointers) { max($0, $1) }
            case .minimum: return BinaryKernel<Int32, Int32>(shape, pointers) { min($0, $1) }
            default: break
            }
        case .int8:
            try node.requireQuantized(a, "input 0")
            try node.requireQuantized(b, "input 1")
            try node.requireQuantized(output, "output")
            let range = FixedPoint.activationRange(act, scale: output.scale, zeroPoint: output.zeroPoint, qmin: -128, qmax: 127)
            let rounding = node.rounding
            let (za, zb, zo) = (a.zeroPoint, b.zeroPoint, output.zeroPoint)
            switch opcode {
            case .add, .sub:
                let leftShift: Int32 = 20
                let twiceMax = 2 * Double(max(a.scale, b.scale))
                let (m1, s1) = FixedPoint.quantizeMultiplier(Double(a.scale) / twiceMax, rounding: rounding)
                var (m2, s2) = FixedPoint.quantizeMultiplier(Double(b.scale) / twiceMax, rounding: rounding)
                if opcode == .sub { m2 = -m2 }
                let (mo, so) = FixedPoint.quantizeMultiplier(twiceMax / (Double(1 << leftShift) * Double(output.scale)), rounding: rounding)
                let (shift1, shift2, shiftOut) = (Int32(s1), Int32(s2), Int32(so))
                return BinaryKernel<Int8, Int8>(shape, pointers) { x, y in
                    let scaled1 = FixedPoint.multiplyByQuantizedMultiplier((Int32(x) &- za) &* (1 << leftShift), m1, shift1, rounding)
                    let scaled2 = FixedPoint.multiplyByQuantizedMultiplier((Int32(y) &- zb) &* (1 << leftShift), m2, shift2, rounding)
                    let raw = FixedPoint.multiplyByQuantizedMultiplier(scaled1 &+ scaled2, mo, shiftOut, rounding) &+ zo
                    return Int8(min(max(raw, range.min), range.max))
                }
            case .mul:
                let (m, s) = FixedPoint.quantizeMultiplier(Double(a.scale) * Double(b.scale) / Double(output.scale), rounding: rounding)
                let shift = Int32(s)
                return BinaryKernel<Int8, Int8>(shape, pointers) { x, y in
                    let raw = FixedPoint.multiplyByQuantizedMultiplier((Int32(x) &- za) &* (Int32(y) &- zb), m, shift, rounding) &+ zo
                    return Int8(min(max(raw, range.min), range.max))
                }
            case .maximum, .minimum:
                try node.require(
                    a.scale == output.scale && b.scale == output.scale && za == zo && zb == zo,
                    "int8 \(opcode.name) needs inputs and output to share quantization")
                let isMax = opcode == .maximum
                return BinaryKernel<Int8, Int8>(shape, pointers) { isMax ? max($0, $1) : min($0, $1) }
            default: break
            }
        default: break
        }
        throw InferenceError.unsupported("\(node.path): \(opcode.name) on \(a.type) is not supported")
    }
}

/// Applies a binary function element-wise with broadcasting.
final class BinaryKernel<In: BitwiseCopyable, Out: BitwiseCopyable>: Kernel {
    let left: UnsafePointer<In>
    let right: UnsafePointer<In>
    let output: UnsafeMutablePointer<Out>
    let count: Int
    let mode: Broadcast.Mode
    let leftIndex: KernelBuffer<Int32>
    let rightIndex: KernelBuffer<Int32>
    let function: (In, In) -> Out

    init(
        _ broadcast: Broadcast, _ pointers: (UnsafeMutableRawPointer, UnsafeMutableRawPointer, UnsafeMutableRawPointer),
        _ function: @escaping (In, In) -> Out
    ) {
        left = UnsafePointer(pointers.0.assumingMemoryBound(to: In.self))
        right = UnsafePointer(pointers.1.assumingMemoryBound(to: In.self))
        output = pointers.2.assumingMemoryBound(to: Out.self)
        count = broadcast.outputShape.reduce(1, *)
        mode = broadcast.mode
        leftIndex = KernelBuffer(broadcast.leftIndex)
        rightIndex = KernelBuffer(broadcast.rightIndex)
        self.function = function
    }

    func invoke(_ context: ExecutionContext) throws {
        switch mode {
        case .flat:
            for i in 0..<count { output[i] = function(left[i], right[i]) }
        case .scalarLeft:
            let x = left[0]
            for i in 0..<count { output[i] = function(x, right[i]) }
        case .scalarRight:
            let y = right[0]
            for i in 0..<count { output[i] = function(left[i], y) }
        case .indexed:
            let li = leftIndex.pointer
            let ri = rightIndex.pointer
            for i in 0..<count { output[i] = function(left[Int(li[i])], right[Int(ri[i])]) }
        }
    }
}

protocol FloatBinaryOperation {
    static func apply(_ a: Float, _ b: Float) -> Float
}

/// Float ADD, SUB, MUL, MAXIMUM and MINIMUM with broadcasting and the fused activation
/// clamp; one specialized loop per operation, no call per element.
final class FloatBinaryKernel: Kernel {
    enum Operation { case add, sub, mul, maximum, minimum }
    enum Add: FloatBinaryOperation { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b } }
    enum Sub: FloatBinaryOperation { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b } }
    enum Mul: FloatBinaryOperation { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b } }
    enum Maximum: FloatBinaryOperation { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a < b ? b : a } }
    enum Minimum: FloatBinaryOperation { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { b < a ? b : a } }

    let left: UnsafePointer<Float>
    let right: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let count: Int
    let mode: Broadcast.Mode
    let leftIndex: KernelBuffer<Int32>
    let rightIndex: KernelBuffer<Int32>
    let operation: Operation
    let lo, hi: Float
    let clamps: Bool

    init(
        _ broadcast: Broadcast, _ pointers: (UnsafeMutableRawPointer, UnsafeMutableRawPointer, UnsafeMutableRawPointer),
        operation: Operation, min lo: Float, max hi: Float
    ) {
        left = UnsafePointer(pointers.0.assumingMemoryBound(to: Float.self))
        right = UnsafePointer(pointers.1.assumingMemoryBound(to: Float.self))
        output = pointers.2.assumingMemoryBound(to: Float.self)
        count = broadcast.outputShape.reduce(1, *)
        mode = broadcast.mode
        leftIndex = KernelBuffer(broadcast.leftIndex)
        rightIndex = KernelBuffer(broadcast.rightIndex)
        self.operation = operation
        self.lo = lo
        self.hi = hi
        clamps = lo > -.greatestFiniteMagnitude || hi < .greatestFiniteMagnitude
    }

    func invoke(_ context: ExecutionContext) throws {
        switch operation {
        case .add: run(Add.self)
        case .sub: run(Sub.self)
        case .mul: run(Mul.self)
        case .maximum: run(Maximum.self)
        case .minimum: run(Minimum.self)
        }
        if clamps {
            for i in 0..<count { output[i] = Swift.min(Swift.max(output[i], lo), hi) }
        }
    }

    @inline(__always)
    private func run<O: FloatBinaryOperation>(_: O.Type) {
        let (left, right, output, count) = (self.left, self.right, self.output, self.count)
        switch mode {
        case .flat:
            for i in 0..<count { output[i] = O.apply(left[i], right[i]) }
        case .scalarLeft:
            let x = left[0]
            for i in 0..<count { output[i] = O.apply(x, right[i]) }
        case .scalarRight:
            let y = right[0]
            for i in 0..<count { output[i] = O.apply(left[i], y) }
        case .indexed:
            let li = leftIndex.pointer
            let ri = rightIndex.pointer
            for i in 0..<count { output[i] = O.apply(left[Int(li[i])], right[Int(ri[i])]) }
        }
    }
}
