import Foundation
import LossCore

/// The float types expressions evaluate in, with the elementary functions of that precision
/// (float32 evaluation calls the `Float` functions, as PyTorch's float32 kernels do).
protocol ExpressionFloat: LossFloat {
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func log1p(_ x: Self) -> Self
    static func expm1(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func sqrt(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
}

extension Float: ExpressionFloat {
    static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    static func log(_ x: Float) -> Float { Foundation.log(x) }
    static func log1p(_ x: Float) -> Float { Foundation.log1p(x) }
    static func expm1(_ x: Float) -> Float { Foundation.expm1(x) }
    static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }
    static func sqrt(_ x: Float) -> Float { x.squareRoot() }
    static func pow(_ x: Float, _ y: Float) -> Float { Foundation.pow(x, y) }
}

extension Double: ExpressionFloat {
    static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    static func log(_ x: Double) -> Double { Foundation.log(x) }
    static func log1p(_ x: Double) -> Double { Foundation.log1p(x) }
    static func expm1(_ x: Double) -> Double { Foundation.expm1(x) }
    static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
    static func sqrt(_ x: Double) -> Double { x.squareRoot() }
    static func pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
}
