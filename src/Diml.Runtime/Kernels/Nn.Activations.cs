using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Diml;

// Elementwise activations: tanh, ReLU, the logistic sigmoid and softplus, over spans and (except tanh, which
// the differentiator already knows as Math.Tanh) over scalars.
public static partial class Nn
{
    // ---------------------------------------------------------------------------------------------------------
    // Tanh
    // ---------------------------------------------------------------------------------------------------------

    /// <summary><c>yᵢ = tanh(xᵢ)</c>. <paramref name="y"/> may be <paramref name="x"/> itself (in place).</summary>
    [CustomAdjoint(nameof(TanhAdjoint), Batch = BatchForm.Elementwise)]
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckElementwise(x, y);
        TensorPrimitives.Tanh(x, y);
    }

    /// <inheritdoc cref="Tanh(ReadOnlySpan{float}, Span{float})"/>
    [CustomAdjoint(nameof(TanhAdjoint), Batch = BatchForm.Elementwise)]
    public static void Tanh(ReadOnlySpan<double> x, Span<double> y)
    {
        CheckElementwise(x, y);
        TensorPrimitives.Tanh(x, y);
    }

    /// <summary>Adjoint of <see cref="Tanh(ReadOnlySpan{float}, Span{float})"/>: <c>xBarᵢ += yBarᵢ·(1 − yᵢ²)</c>.</summary>
    public static void TanhAdjoint(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> yBar, Span<float> xBar)
    {
        if (!CheckElementwiseAdjoint(x, y, yBar, xBar)) return;
        Accumulate(new TanhBar<float>(), x, y, yBar, xBar);
    }

    /// <inheritdoc cref="TanhAdjoint(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    public static void TanhAdjoint(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        if (!CheckElementwiseAdjoint(x, y, yBar, xBar)) return;
        Accumulate(new TanhBar<double>(), x, y, yBar, xBar);
    }

    // ---------------------------------------------------------------------------------------------------------
    // ReLU
    // ---------------------------------------------------------------------------------------------------------

    /// <summary><c>yᵢ = max(xᵢ, 0)</c> (NaN propagates). <paramref name="y"/> may be <paramref name="x"/> itself.</summary>
    [CustomAdjoint(nameof(ReluAdjoint), Batch = BatchForm.Elementwise, ReadsOutputs = false)]
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckElementwise(x, y);
        TensorPrimitives.Max(x, 0f, y);
    }

    /// <inheritdoc cref="Relu(ReadOnlySpan{float}, Span{float})"/>
    [CustomAdjoint(nameof(ReluAdjoint), Batch = BatchForm.Elementwise, ReadsOutputs = false)]
    public static void Relu(ReadOnlySpan<double> x, Span<double> y)
    {
        CheckElementwise(x, y);
        TensorPrimitives.Max(x, 0d, y);
    }

    /// <summary>
    /// Adjoint of <see cref="Relu(ReadOnlySpan{float}, Span{float})"/>: <c>xBarᵢ += yBarᵢ·[xᵢ &gt; 0]</c> (the
    /// subgradient 0 is taken at 0).
    /// </summary>
    public static void ReluAdjoint(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> yBar, Span<float> xBar)
    {
        if (!CheckElementwiseAdjoint(x, y, yBar, xBar)) return;
        Accumulate(new ReluBar<float>(), x, y, yBar, xBar);
    }

    /// <inheritdoc cref="ReluAdjoint(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    public static void ReluAdjoint(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        if (!CheckElementwiseAdjoint(x, y, yBar, xBar)) return;
        Accumulate(new ReluBar<double>(), x, y, yBar, xBar);
    }

    /// <summary><c>max(x, 0)</c> (NaN propagates).</summary>
    [CustomAdjoint(nameof(ReluAdjoint))]
    public static float Relu(float x) => MathF.Max(x, 0f);

    /// <inheritdoc cref="Relu(float)"/>
    [CustomAdjoint(nameof(ReluAdjoint))]
    public static double Relu(double x) => Math.Max(x, 0d);

    /// <summary>Adjoint of <see cref="Relu(float)"/>: <c>xBar += resultBar·[x &gt; 0]</c>.</summary>
    public static void ReluAdjoint(float x, float resultBar, ref float xBar) => xBar += x > 0f ? resultBar : 0f;

    /// <inheritdoc cref="ReluAdjoint(float, float, ref float)"/>
    public static void ReluAdjoint(double x, double resultBar, ref double xBar) => xBar += x > 0d ? resultBar : 0d;

    // ---------------------------------------------------------------------------------------------------------
    // Sigmoid
    // ---------------------------------------------------------------------------------------------------------

    /// <summary><c>yᵢ = σ(xᵢ) = 1/(1 + e^−xᵢ)</c>. <paramref name="y"/> may be <paramref name="x"/> itself.</summary>
    [CustomAdjoint(nameof(SigmoidAdjoint), Batch = BatchForm.Elementwise)]
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckElementwise(x, y);
        // TensorPrimitives.Sigmoid rejects empty spans; an empty sigmoid is simply nothing to do.
        if (x.IsEmpty) return;
        // 1/(1 + e^−x) is already stable in both directions: e^−x overflows to +∞ only where σ underflows to 0.
        TensorPrimitives.Sigmoid(x, y);
    }

    /// <inheritdoc cref="Sigmoid(ReadOnlySpan{float}, Span{float})"/>
    [CustomAdjoint(nameof(SigmoidAdjoint), Batch = BatchForm.Elementwise)]
    public static void Sigmoid(ReadOnlySpan<double> x, Span<double> y)
    {
        CheckElementwise(x, y);
        if (x.IsEmpty) return;
        TensorPrimitives.Sigmoid(x, y);
    }

    /// <summary>Adjoint of <see cref="Sigmoid(ReadOnlySpan{float}, Span{float})"/>: <c>xBarᵢ += yBarᵢ·yᵢ·(1 − yᵢ)</c>.</summary>
    public static void SigmoidAdjoint(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> yBar, Span<float> xBar)
    {
        if (!CheckElementwiseAdjoint(x, y, yBar, xBar)) return;
        Accumulate(new SigmoidBar<float>(), x, y, yBar, xBar);
    }

    /// <inheritdoc cref="SigmoidAdjoint(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    public static void SigmoidAdjoint(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        if (!CheckElementwiseAdjoint(x, y, yBar, xBar)) return;
        Accumulate(new SigmoidBar<double>(), x, y, yBar, xBar);
    }

    /// <summary>
    /// <c>σ(x) = 1/(1 + e^−x)</c>, evaluated as <c>1/(1 + e^−|x|)</c> or <c>e^−|x|/(1 + e^−|x|)</c> by sign so
    /// that the exponential never overflows and small results keep their relative precision.
    /// </summary>
    [CustomAdjoint(nameof(SigmoidAdjoint))]
    public static float Sigmoid(float x) => StableSigmoid(x);

    /// <inheritdoc cref="Sigmoid(float)"/>
    [CustomAdjoint(nameof(SigmoidAdjoint))]
    public static double Sigmoid(double x) => StableSigmoid(x);

    /// <summary>
    /// Adjoint of <see cref="Sigmoid(float)"/>: <c>xBar += resultBar·σ(x)·σ(−x)</c>, computed as
    /// <c>e^−|x|/(1 + e^−|x|)²</c>, which keeps its relative precision in both tails (1 − σ would not).
    /// </summary>
    public static void SigmoidAdjoint(float x, float resultBar, ref float xBar) => xBar += resultBar * SigmoidDerivative(x);

    /// <inheritdoc cref="SigmoidAdjoint(float, float, ref float)"/>
    public static void SigmoidAdjoint(double x, double resultBar, ref double xBar) => xBar += resultBar * SigmoidDerivative(x);

    // ---------------------------------------------------------------------------------------------------------
    // Softplus
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// <c>yᵢ = log(1 + e^xᵢ)</c>, evaluated as <c>max(x, 0) + log1p(e^−|x|)</c> so that it neither overflows for
    /// large x nor loses the tiny value e^x for very negative x. <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    [CustomAdjoint(nameof(SoftplusAdjoint), Batch = BatchForm.Elementwise)]
    public static void Softplus(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckElementwise(x, y);
        Map(new SoftplusMap<float>(), x, y);
    }

    /// <inheritdoc cref="Softplus(ReadOnlySpan{float}, Span{float})"/>
    [CustomAdjoint(nameof(SoftplusAdjoint), Batch = BatchForm.Elementwise)]
    public static void Softplus(ReadOnlySpan<double> x, Span<double> y)
    {
        CheckElementwise(x, y);
        Map(new SoftplusMap<double>(), x, y);
    }

    /// <summary>Adjoint of <see cref="Softplus(ReadOnlySpan{float}, Span{float})"/>: <c>xBarᵢ += yBarᵢ·σ(xᵢ)</c>.</summary>
    public static void SoftplusAdjoint(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> yBar, Span<float> xBar)
    {
        if (!CheckElementwiseAdjoint(x, y, yBar, xBar)) return;
        Accumulate(new SoftplusBar<float>(), x, y, yBar, xBar);
    }

    /// <inheritdoc cref="SoftplusAdjoint(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    public static void SoftplusAdjoint(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        if (!CheckElementwiseAdjoint(x, y, yBar, xBar)) return;
        Accumulate(new SoftplusBar<double>(), x, y, yBar, xBar);
    }

    /// <summary><c>log(1 + eˣ)</c>, evaluated stably as <c>max(x, 0) + log1p(e^−|x|)</c>.</summary>
    [CustomAdjoint(nameof(SoftplusAdjoint))]
    public static float Softplus(float x) => StableSoftplus(x);

    /// <inheritdoc cref="Softplus(float)"/>
    [CustomAdjoint(nameof(SoftplusAdjoint))]
    public static double Softplus(double x) => StableSoftplus(x);

    /// <summary>Adjoint of <see cref="Softplus(float)"/>: <c>xBar += resultBar·σ(x)</c>.</summary>
    public static void SoftplusAdjoint(float x, float resultBar, ref float xBar) => xBar += resultBar * StableSigmoid(x);

    /// <inheritdoc cref="SoftplusAdjoint(float, float, ref float)"/>
    public static void SoftplusAdjoint(double x, double resultBar, ref double xBar) => xBar += resultBar * StableSigmoid(x);

    // ---------------------------------------------------------------------------------------------------------
    // Shared scalar bodies (also the scalar tails of the vector loops, so both paths compute the same formula)
    // ---------------------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T StableSigmoid<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T e = T.Exp(-T.Abs(x));
        T r = T.One / (T.One + e);
        return x >= T.Zero ? r : e * r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T SigmoidDerivative<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T e = T.Exp(-T.Abs(x));
        T r = T.One / (T.One + e);
        return e * r * r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T StableSoftplus<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        T.Max(x, T.Zero) + LogOnePlus(T.Exp(-T.Abs(x)));

    /// <summary>
    /// <c>log(1 + u)</c> accurate for small u (Goldberg's trick: the rounding error of <c>w = 1 + u</c> cancels in
    /// <c>log(w)·u/(w − 1)</c>). <c>T.LogP1</c> is not used because it evaluates <c>log(u + 1)</c> directly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T LogOnePlus<T>(T u) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T w = T.One + u;
        return w == T.One ? u : T.Log(w) * u / (w - T.One);
    }

    private static void CheckElementwise<T>(ReadOnlySpan<T> x, Span<T> y)
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        KernelGuard.NoPartialOverlap(x, y, nameof(x), nameof(y));
    }

    /// <summary>
    /// Validates the arguments of an elementwise adjoint and returns whether there is anything to accumulate:
    /// <c>false</c> when <paramref name="xBar"/> is empty, i.e. the caller does not need it (or x is empty).
    /// </summary>
    private static bool CheckElementwiseAdjoint<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> yBar, Span<T> xBar)
    {
        KernelGuard.Length(y.Length, x.Length, nameof(y));
        KernelGuard.Length(yBar.Length, x.Length, nameof(yBar));
        KernelGuard.BarLength(xBar.Length, x.Length, nameof(xBar));
        return !xBar.IsEmpty;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Operators
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>d tanh(x) = 1 − tanh²(x), from the stored output.</summary>
    private readonly struct TanhBar<T> : IElementwiseAdjoint<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T x, T y, T yBar) => yBar * (T.One - y * y);
        public Vector<T> Invoke(Vector<T> x, Vector<T> y, Vector<T> yBar) => yBar * (Vector<T>.One - y * y);
    }

    /// <summary>d relu(x) = [x &gt; 0]; a comparison mask selects yBar or 0.</summary>
    private readonly struct ReluBar<T> : IElementwiseAdjoint<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T x, T y, T yBar) => x > T.Zero ? yBar : T.Zero;
        public Vector<T> Invoke(Vector<T> x, Vector<T> y, Vector<T> yBar) =>
            Vector.ConditionalSelect(Vector.GreaterThan(x, Vector<T>.Zero), yBar, Vector<T>.Zero);
    }

    /// <summary>d σ(x) = σ(x)(1 − σ(x)), from the stored output.</summary>
    private readonly struct SigmoidBar<T> : IElementwiseAdjoint<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T x, T y, T yBar) => yBar * y * (T.One - y);
        public Vector<T> Invoke(Vector<T> x, Vector<T> y, Vector<T> yBar) => yBar * y * (Vector<T>.One - y);
    }

    /// <summary>d softplus(x) = σ(x), evaluated stably from x (the output alone would lose precision for x ≪ 0).</summary>
    private readonly struct SoftplusBar<T> : IElementwiseAdjoint<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T x, T y, T yBar) => yBar * StableSigmoid(x);

        public Vector<T> Invoke(Vector<T> x, Vector<T> y, Vector<T> yBar)
        {
            var e = VectorExp(-Vector.Abs(x));
            var r = Vector<T>.One / (Vector<T>.One + e);
            return yBar * Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<T>.Zero), r, e * r);
        }
    }

    /// <summary>softplus(x) = max(x, 0) + log1p(e^−|x|), with the log1p correction done lane by lane.</summary>
    private readonly struct SoftplusMap<T> : IElementwiseMap<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T x) => StableSoftplus(x);

        public Vector<T> Invoke(Vector<T> x)
        {
            var u = VectorExp(-Vector.Abs(x));
            var w = Vector<T>.One + u;
            // Lanes where w rounds to 1 take u itself; the division there yields NaN but is never selected.
            var logOnePlusU = Vector.ConditionalSelect(Vector.Equals(w, Vector<T>.One), u, VectorLog(w) * u / (w - Vector<T>.One));
            return Vector.Max(x, Vector<T>.Zero) + logOnePlusU;
        }
    }
}
