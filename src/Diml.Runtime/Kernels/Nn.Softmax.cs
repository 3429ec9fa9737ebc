using System.Numerics;
using System.Numerics.Tensors;

namespace Diml;

// Softmax, log-softmax and log-sum-exp. All subtract the maximum first, so no exponential ever exceeds 1 and
// inputs of any finite size give finite, correct results.
public static partial class Nn
{
    // ---------------------------------------------------------------------------------------------------------
    // Softmax
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// <c>yᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m)</c> with <c>m = max x</c>. An empty input gives an empty output.
    /// <paramref name="y"/> may be <paramref name="x"/> itself (in place).
    /// </summary>
    [CustomAdjoint(nameof(SoftmaxAdjoint))]
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckElementwise(x, y);
        SoftmaxCore(x, y);
    }

    /// <inheritdoc cref="Softmax(ReadOnlySpan{float}, Span{float})"/>
    [CustomAdjoint(nameof(SoftmaxAdjoint))]
    public static void Softmax(ReadOnlySpan<double> x, Span<double> y)
    {
        CheckElementwise(x, y);
        SoftmaxCore(x, y);
    }

    /// <summary>
    /// Adjoint of <see cref="Softmax(ReadOnlySpan{float}, Span{float})"/>:
    /// <c>xBarᵢ += yᵢ·(yBarᵢ − ⟨yBar, y⟩)</c>.
    /// </summary>
    public static void SoftmaxAdjoint(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> yBar, Span<float> xBar)
    {
        // False when xBar is empty (not needed, or x is empty): the reduction is skipped along with the pass.
        if (!CheckElementwiseAdjoint(x, y, yBar, xBar)) return;
        Accumulate(new SoftmaxBar<float>(TensorPrimitives.Dot(yBar, y)), x, y, yBar, xBar);
    }

    /// <inheritdoc cref="SoftmaxAdjoint(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    public static void SoftmaxAdjoint(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        // False when xBar is empty (not needed, or x is empty): the reduction is skipped along with the pass.
        if (!CheckElementwiseAdjoint(x, y, yBar, xBar)) return;
        Accumulate(new SoftmaxBar<double>(TensorPrimitives.Dot(yBar, y)), x, y, yBar, xBar);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Log-softmax
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// <c>yᵢ = xᵢ − m − log Σⱼ e^(xⱼ − m)</c> with <c>m = max x</c> (the log-probabilities of
    /// <see cref="Softmax(ReadOnlySpan{float}, Span{float})"/>, without ever taking the log of an underflowed
    /// probability). <paramref name="y"/> may be <paramref name="x"/> itself.
    /// </summary>
    [CustomAdjoint(nameof(LogSoftmaxAdjoint))]
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y)
    {
        CheckElementwise(x, y);
        LogSoftmaxCore(x, y);
    }

    /// <inheritdoc cref="LogSoftmax(ReadOnlySpan{float}, Span{float})"/>
    [CustomAdjoint(nameof(LogSoftmaxAdjoint))]
    public static void LogSoftmax(ReadOnlySpan<double> x, Span<double> y)
    {
        CheckElementwise(x, y);
        LogSoftmaxCore(x, y);
    }

    /// <summary>
    /// Adjoint of <see cref="LogSoftmax(ReadOnlySpan{float}, Span{float})"/>:
    /// <c>xBarᵢ += yBarᵢ − e^(yᵢ)·Σⱼ yBarⱼ</c> (e^y is the softmax).
    /// </summary>
    public static void LogSoftmaxAdjoint(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> yBar, Span<float> xBar)
    {
        // False when xBar is empty (not needed, or x is empty): the reduction is skipped along with the pass.
        if (!CheckElementwiseAdjoint(x, y, yBar, xBar)) return;
        Accumulate(new LogSoftmaxBar<float>(TensorPrimitives.Sum(yBar)), x, y, yBar, xBar);
    }

    /// <inheritdoc cref="LogSoftmaxAdjoint(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    public static void LogSoftmaxAdjoint(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> yBar, Span<double> xBar)
    {
        // False when xBar is empty (not needed, or x is empty): the reduction is skipped along with the pass.
        if (!CheckElementwiseAdjoint(x, y, yBar, xBar)) return;
        Accumulate(new LogSoftmaxBar<double>(TensorPrimitives.Sum(yBar)), x, y, yBar, xBar);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Log-sum-exp
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// <c>log Σᵢ e^xᵢ = m + log Σᵢ e^(xᵢ − m)</c> with <c>m = max x</c>. Empty input gives −∞ (the log of an
    /// empty sum); an infinite or NaN maximum is returned as is.
    /// </summary>
    [CustomAdjoint(nameof(LogSumExpAdjoint))]
    public static float LogSumExp(ReadOnlySpan<float> x) => LogSumExpCore(x);

    /// <inheritdoc cref="LogSumExp(ReadOnlySpan{float})"/>
    [CustomAdjoint(nameof(LogSumExpAdjoint))]
    public static double LogSumExp(ReadOnlySpan<double> x) => LogSumExpCore(x);

    /// <summary>
    /// Adjoint of <see cref="LogSumExp(ReadOnlySpan{float})"/>: <c>xBarᵢ += resultBar·e^(xᵢ − lse(x))</c>. The
    /// convention does not pass the result back, so it is recomputed (one extra pass over x).
    /// </summary>
    public static void LogSumExpAdjoint(ReadOnlySpan<float> x, float resultBar, Span<float> xBar)
    {
        KernelGuard.BarLength(xBar.Length, x.Length, nameof(xBar));
        // An empty xBar is not needed (or x is empty): skip recomputing lse(x) as well.
        if (xBar.IsEmpty) return;
        Accumulate(new LogSumExpBar<float>(LogSumExpCore(x), resultBar), x, x, x, xBar);
    }

    /// <inheritdoc cref="LogSumExpAdjoint(ReadOnlySpan{float}, float, Span{float})"/>
    public static void LogSumExpAdjoint(ReadOnlySpan<double> x, double resultBar, Span<double> xBar)
    {
        KernelGuard.BarLength(xBar.Length, x.Length, nameof(xBar));
        // An empty xBar is not needed (or x is empty): skip recomputing lse(x) as well.
        if (xBar.IsEmpty) return;
        Accumulate(new LogSumExpBar<double>(LogSumExpCore(x), resultBar), x, x, x, xBar);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Cores
    // ---------------------------------------------------------------------------------------------------------

    private static void SoftmaxCore<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.IsEmpty) return;
        // TensorPrimitives.SoftMax is not used: it does not subtract the maximum, so e^x overflows for x ≳ 88 in float.
        T max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        TensorPrimitives.Exp(y, y);
        T sum = TensorPrimitives.Sum(y);
        TensorPrimitives.Divide(y, sum, y);
    }

    private static void LogSoftmaxCore<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.IsEmpty) return;
        T max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, y);
        // The sum is at least 1 (the maximum's own term), so its log is finite and never needs care.
        T logSum = T.Log(SumExpShifted<T>(y, T.Zero));
        TensorPrimitives.Subtract(y, logSum, y);
    }

    private static T LogSumExpCore<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.IsEmpty) return T.NegativeInfinity;
        T max = TensorPrimitives.Max(x);
        // ±∞ or NaN: shifting by it would give ∞ − ∞ = NaN; the limit is the maximum itself.
        if (!T.IsFinite(max)) return max;
        return max + T.Log(SumExpShifted(x, max));
    }

    /// <summary>y ⊙ (yBar − ⟨yBar, y⟩).</summary>
    private readonly struct SoftmaxBar<T>(T dot) : IElementwiseAdjoint<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T x, T y, T yBar) => y * (yBar - dot);
        public Vector<T> Invoke(Vector<T> x, Vector<T> y, Vector<T> yBar) => y * (yBar - new Vector<T>(dot));
    }

    /// <summary>yBar − e^y·Σ yBar.</summary>
    private readonly struct LogSoftmaxBar<T>(T sum) : IElementwiseAdjoint<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T x, T y, T yBar) => yBar - T.Exp(y) * sum;
        public Vector<T> Invoke(Vector<T> x, Vector<T> y, Vector<T> yBar) => yBar - VectorExp(y) * new Vector<T>(sum);
    }

    /// <summary>resultBar·e^(x − lse).</summary>
    private readonly struct LogSumExpBar<T>(T logSumExp, T resultBar) : IElementwiseAdjoint<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T Invoke(T x, T y, T yBar) => resultBar * T.Exp(x - logSumExp);
        public Vector<T> Invoke(Vector<T> x, Vector<T> y, Vector<T> yBar) =>
            new Vector<T>(resultBar) * VectorExp(x - new Vector<T>(logSumExp));
    }
}
