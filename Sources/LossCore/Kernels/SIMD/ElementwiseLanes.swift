/// The per-lane math of an elementwise loss on float32: one ``FloatVector`` of `(x, t)` pairs in,
/// their losses and derivatives d(loss)/dx out.
///
/// Implementations are small structs of constants; ``ElementwiseSIMD`` inlines `callAsFunction`
/// into its loop, so a loss's math is one straight-line block per vector — no closure,
/// no call, no bounds check.
public protocol ElementwiseLanes: Sendable {
    /// Losses and derivatives of one vector of elements. Padding lanes (beyond a tensor's end) may hold
    /// anything; their results are discarded.
    func callAsFunction(_ x: FloatVector, _ t: FloatVector) -> (loss: FloatVector, grad: FloatVector)
}

/// Sigmoid pieces shared by the logit losses, accurate in both tails.
///
/// With z = e^{−|x|} and r = 1/(1 + z): σ(|x|) = r and σ(−|x|) = z·r, so σ(x) and σ(−x) are both
/// computed without the cancellation of `1 − σ`, and log σ(±x) follow from log1p(z).
@usableFromInline
struct SigmoidPair {
    /// σ(x).
    @usableFromInline var positive: FloatVector
    /// σ(−x) = 1 − σ(x), without cancellation.
    @usableFromInline var negative: FloatVector
    /// log1p(e^{−|x|}), so softplus(x) = max(x, 0) + tail and softplus(−x) = max(−x, 0) + tail.
    @usableFromInline var tail: FloatVector

    @_transparent @usableFromInline
    init(_ x: FloatVector, withTail: Bool = true) {
        let magnitude = unsafeBitCast(unsafeBitCast(x, to: UInt32Vector.self) & 0x7FFF_FFFF, to: FloatVector.self)
        let z = VectorMath.expOfNegativeMagnitude(magnitude)
        let r = 1 / (1 + z)
        let small = z * r
        let isNegative = x .< 0
        positive = r.replacing(with: small, where: isNegative)
        negative = small.replacing(with: r, where: isNegative)
        tail = withTail ? VectorMath.log1pOfUnit(z, reciprocal: r) : FloatVector()
        let signBit = unsafeBitCast(x, to: UInt32Vector.self) & 0x8000_0000
        signedSmall = unsafeBitCast(unsafeBitCast(small, to: UInt32Vector.self) | signBit, to: FloatVector.self)
        // NaN logits: z and r are NaN, so every piece is NaN.
    }

    /// σ(−|x|) with the sign bit of x: σ(x) and σ(−x) both follow from it without cancellation,
    /// since σ(−|x|) ≤ ½ — what a first pass can store so that a second pass needs no exponential.
    @usableFromInline var signedSmall: FloatVector

    /// The pieces from a stored ``signedSmall``.
    @_transparent @usableFromInline
    init(signedSmall m: FloatVector) {
        let bitsOfM = unsafeBitCast(m, to: UInt32Vector.self)
        let small = unsafeBitCast(bitsOfM & 0x7FFF_FFFF, to: FloatVector.self)
        let large = 1 - small
        // ±1 carrying m's sign, compared as a float: the stdlib's integer SIMD comparisons
        // compile lane by lane (measured: 130 instructions per vector).
        let sign = unsafeBitCast((bitsOfM & 0x8000_0000) | 0x3F80_0000, to: FloatVector.self)
        let isNegative = sign .< 0
        positive = large.replacing(with: small, where: isNegative)
        negative = small.replacing(with: large, where: isNegative)
        tail = FloatVector()
        signedSmall = m
    }

    /// Probabilities taken as they are (a region loss without `sigmoid`): positive = p,
    /// negative = 1 − p, no tail.
    @_transparent @usableFromInline
    init(probabilities p: FloatVector) {
        positive = p
        negative = 1 - p
        tail = FloatVector()
        signedSmall = FloatVector()
    }
}

/// `(x − t)²` and `2(x − t)`: mse.
public struct SquaredErrorLanes: ElementwiseLanes {
    /// Creates the lanes.
    public init() {}
    /// Squared error and its derivative.
    @_transparent
    public func callAsFunction(_ x: FloatVector, _ t: FloatVector) -> (loss: FloatVector, grad: FloatVector) {
        let difference = x - t
        return (difference * difference, difference + difference)
    }
}

/// Binary cross-entropy on logits with optional label smoothing and a single `pos_weight`.
///
/// loss = (1 + (p−1)t)·softplus(−x) + (1 − t)·x written as `max(x,0) − t'x + log1p(e^{−|x|})`
/// (exact algebra, no cancellation for saturated logits); gradient (1 − t)σ(x) − p·t·σ(−x),
/// which equals PyTorch's σ(x)(1 + (p−1)t) − p·t without the `σ − t` cancellation.
public struct LogitBCELanes: ElementwiseLanes {
    /// Label smoothing s: t ← t(1 − s) + (1 − t)s.
    public let smoothing: Float
    /// The single positive-class weight p (1 = none).
    public let positiveWeight: Float

    /// Creates the lanes.
    public init(smoothing: Float, positiveWeight: Float) {
        self.smoothing = smoothing
        self.positiveWeight = positiveWeight
    }

    /// BCE from logits and its derivative.
    @_transparent
    public func callAsFunction(_ x: FloatVector, _ rawTarget: FloatVector) -> (loss: FloatVector, grad: FloatVector) {
        let t = smoothing == 0 ? rawTarget : rawTarget * (1 - 2 * smoothing) + smoothing
        let s = SigmoidPair(x)
        let negativePart = 1 - t
        if positiveWeight == 1 {
            let loss = x.replacing(with: 0, where: x .< 0) - t * x + s.tail
            return (loss, negativePart * s.positive - t * s.negative)
        }
        // (1 − t)·softplus(x) + p·t·softplus(−x), each softplus from the shared tail.
        let positivePart = positiveWeight * t
        let softplusX = x.replacing(with: 0, where: x .< 0) + s.tail
        let softplusNegX = (-x).replacing(with: 0, where: x .> 0) + s.tail
        let loss = negativePart * softplusX + positivePart * softplusNegX
        return (loss, negativePart * s.positive - positivePart * s.negative)
    }
}

/// torchvision's `sigmoid_focal_loss` per element for an integer γ in 0…4.
///
/// With p = σ(x): ce = BCE(x, t), m = 1 − p_t = (1 − t)σ(x) + tσ(−x) (no cancellation),
/// loss = α_t·ce·m^γ, gradient α_t·[(σ(x) − t)·m^γ + ce·γ·m^{γ−1}·(1 − 2t)σ(x)σ(−x)].
public struct SigmoidFocalLanes: ElementwiseLanes {
    /// α (negative: no class balance).
    public let alpha: Float
    /// γ, an integer 0…4 (other values take the Double reference path).
    public let gamma: Int

    /// Creates the lanes; `gamma` must be in 0…4.
    public init(alpha: Float, gamma: Int) {
        precondition((0...4).contains(gamma))
        self.alpha = alpha
        self.gamma = gamma
    }

    /// Whether `gamma` has a lane implementation.
    public static func supports(gamma: Double) -> Bool { gamma == gamma.rounded() && gamma >= 0 && gamma <= 4 }

    /// Focal loss and its derivative.
    @_transparent
    public func callAsFunction(_ x: FloatVector, _ t: FloatVector) -> (loss: FloatVector, grad: FloatVector) {
        let s = SigmoidPair(x)
        let negativePart = 1 - t
        let ce = x.replacing(with: 0, where: x .< 0) - t * x + s.tail
        let residual = negativePart * s.positive - t * s.negative
        let miss = negativePart * s.positive + t * s.negative
        var focus = FloatVector(repeating: 1)       // m^γ
        var focusBelow = FloatVector(repeating: 0)  // γ·m^{γ−1}
        if gamma >= 1 {
            var power = FloatVector(repeating: 1)   // m^{γ−1}
            for _ in 1..<gamma { power *= miss }
            focusBelow = Float(gamma) * power
            focus = power * miss
        }
        let missSlope = (1 - 2 * t) * (s.positive * s.negative)
        var loss = ce * focus
        var grad = residual * focus + ce * focusBelow * missSlope
        if alpha >= 0 {
            let balance = alpha * t + (1 - alpha) * negativePart
            loss *= balance
            grad *= balance
        }
        return (loss, grad)
    }
}
