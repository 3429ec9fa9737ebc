using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Diml;

// Dense (fully connected) layers: output = W·input + bias, W row-major [output.Length, input.Length].
public static partial class Nn
{
    /// <summary>Rows processed together: each loaded input vector feeds this many independent accumulators.</summary>
    private const int DenseRowBlock = 4;

    // ---------------------------------------------------------------------------------------------------------
    // With bias
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// <c>output = W·input + bias</c>, where <paramref name="weights"/> is W stored row-major with
    /// <c>output.Length</c> rows of <c>input.Length</c> columns. <paramref name="output"/> must not overlap any input.
    /// </summary>
    [CustomAdjoint(nameof(DenseAdjoint), Batch = BatchForm.Dense, ReadsOutputs = false)]
    public static void Dense(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> input, Span<float> output)
    {
        CheckDense(weights, bias, input, output, hasBias: true);
        DenseForward(weights, bias, input, output);
    }

    /// <inheritdoc cref="Dense(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    [CustomAdjoint(nameof(DenseAdjoint), Batch = BatchForm.Dense, ReadsOutputs = false)]
    public static void Dense(ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> input, Span<double> output)
    {
        CheckDense(weights, bias, input, output, hasBias: true);
        DenseForward(weights, bias, input, output);
    }

    /// <summary>
    /// <c>output = W·input + bias</c> with W as a <c>[output.Length, input.Length]</c> array, so that a
    /// <c>[Param] float[,]</c> field can be passed as is. The array is read in place, not copied.
    /// </summary>
    [CustomAdjoint(nameof(DenseAdjoint), Batch = BatchForm.Dense, ReadsOutputs = false)]
    public static void Dense(float[,] weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> input, Span<float> output)
    {
        CheckMatrix(weights, output.Length, input.Length);
        Dense(Flat(weights), bias, input, output);
    }

    /// <inheritdoc cref="Dense(float[,], ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    [CustomAdjoint(nameof(DenseAdjoint), Batch = BatchForm.Dense, ReadsOutputs = false)]
    public static void Dense(double[,] weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> input, Span<double> output)
    {
        CheckMatrix(weights, output.Length, input.Length);
        Dense(Flat(weights), bias, input, output);
    }

    /// <summary>
    /// Adjoint of <see cref="Dense(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>:
    /// <c>weightsBar += outputBar·inputᵀ</c>, <c>biasBar += outputBar</c>, <c>inputBar += Wᵀ·outputBar</c>.
    /// An empty bar means that adjoint is not needed: its accumulation (and its work) is skipped.
    /// </summary>
    public static void DenseAdjoint(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> input, ReadOnlySpan<float> output,
        ReadOnlySpan<float> outputBar, Span<float> weightsBar, Span<float> biasBar, Span<float> inputBar)
    {
        CheckDenseAdjoint(weights, bias, input, output, outputBar, weightsBar, biasBar, inputBar, hasBias: true);
        // An empty bar is one the caller does not need; DenseBackward skips empty bars likewise.
        if (!biasBar.IsEmpty) TensorPrimitives.Add(biasBar, outputBar, biasBar);
        DenseBackward(weights, input, outputBar, weightsBar, inputBar);
    }

    /// <inheritdoc cref="DenseAdjoint(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
    public static void DenseAdjoint(ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> input, ReadOnlySpan<double> output,
        ReadOnlySpan<double> outputBar, Span<double> weightsBar, Span<double> biasBar, Span<double> inputBar)
    {
        CheckDenseAdjoint(weights, bias, input, output, outputBar, weightsBar, biasBar, inputBar, hasBias: true);
        // An empty bar is one the caller does not need; DenseBackward skips empty bars likewise.
        if (!biasBar.IsEmpty) TensorPrimitives.Add(biasBar, outputBar, biasBar);
        DenseBackward(weights, input, outputBar, weightsBar, inputBar);
    }

    /// <summary>
    /// <see cref="DenseAdjoint(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
    /// with the input's adjoint over a window only: <paramref name="inputBar"/> receives columns
    /// <c>[inputBarStart, inputBarStart + inputBar.Length)</c> of <c>Wᵀ·outputBar</c>. The generator calls this form when the
    /// reverse sweep reads only part of the input's adjoint (a first layer whose other inputs are data), so the product
    /// into the rest is not computed at all. The weight and bias adjoints are the same as the full form's.
    /// </summary>
    public static void DenseAdjoint(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> input, ReadOnlySpan<float> output,
        ReadOnlySpan<float> outputBar, Span<float> weightsBar, Span<float> biasBar, Span<float> inputBar, int inputBarStart)
    {
        CheckDenseAdjoint(weights, bias, input, output, outputBar, weightsBar, biasBar, default, hasBias: true);
        CheckInputBarWindow(input.Length, inputBar.Length, inputBarStart);
        if (!biasBar.IsEmpty) TensorPrimitives.Add(biasBar, outputBar, biasBar);
        DenseBackward(weights, input, outputBar, weightsBar, inputBar, inputBarStart);
    }

    /// <inheritdoc cref="DenseAdjoint(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, int)"/>
    public static void DenseAdjoint(ReadOnlySpan<double> weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> input, ReadOnlySpan<double> output,
        ReadOnlySpan<double> outputBar, Span<double> weightsBar, Span<double> biasBar, Span<double> inputBar, int inputBarStart)
    {
        CheckDenseAdjoint(weights, bias, input, output, outputBar, weightsBar, biasBar, default, hasBias: true);
        CheckInputBarWindow(input.Length, inputBar.Length, inputBarStart);
        if (!biasBar.IsEmpty) TensorPrimitives.Add(biasBar, outputBar, biasBar);
        DenseBackward(weights, input, outputBar, weightsBar, inputBar, inputBarStart);
    }

    /// <summary>
    /// Adjoint of <see cref="Dense(float[,], ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>;
    /// <paramref name="weightsBar"/> is row-major like the array (a slice of the flat gradient vector).
    /// </summary>
    public static void DenseAdjoint(float[,] weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> input, ReadOnlySpan<float> output,
        ReadOnlySpan<float> outputBar, Span<float> weightsBar, Span<float> biasBar, Span<float> inputBar)
    {
        CheckMatrix(weights, output.Length, input.Length);
        DenseAdjoint(Flat(weights), bias, input, output, outputBar, weightsBar, biasBar, inputBar);
    }

    /// <inheritdoc cref="DenseAdjoint(float[,], ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>
    public static void DenseAdjoint(double[,] weights, ReadOnlySpan<double> bias, ReadOnlySpan<double> input, ReadOnlySpan<double> output,
        ReadOnlySpan<double> outputBar, Span<double> weightsBar, Span<double> biasBar, Span<double> inputBar)
    {
        CheckMatrix(weights, output.Length, input.Length);
        DenseAdjoint(Flat(weights), bias, input, output, outputBar, weightsBar, biasBar, inputBar);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Without bias
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// <c>output = W·input</c> (no bias), W row-major <c>[output.Length, input.Length]</c>.
    /// <paramref name="output"/> must not overlap any input.
    /// </summary>
    [CustomAdjoint(nameof(DenseNoBiasAdjoint), Batch = BatchForm.Dense, ReadsOutputs = false)]
    public static void DenseNoBias(ReadOnlySpan<float> weights, ReadOnlySpan<float> input, Span<float> output)
    {
        CheckDense(weights, default, input, output, hasBias: false);
        DenseForward(weights, default, input, output);
    }

    /// <inheritdoc cref="DenseNoBias(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    [CustomAdjoint(nameof(DenseNoBiasAdjoint), Batch = BatchForm.Dense, ReadsOutputs = false)]
    public static void DenseNoBias(ReadOnlySpan<double> weights, ReadOnlySpan<double> input, Span<double> output)
    {
        CheckDense(weights, default, input, output, hasBias: false);
        DenseForward(weights, default, input, output);
    }

    /// <summary><c>output = W·input</c> with W as a <c>[output.Length, input.Length]</c> array, read in place.</summary>
    [CustomAdjoint(nameof(DenseNoBiasAdjoint), Batch = BatchForm.Dense, ReadsOutputs = false)]
    public static void DenseNoBias(float[,] weights, ReadOnlySpan<float> input, Span<float> output)
    {
        CheckMatrix(weights, output.Length, input.Length);
        DenseNoBias(Flat(weights), input, output);
    }

    /// <inheritdoc cref="DenseNoBias(float[,], ReadOnlySpan{float}, Span{float})"/>
    [CustomAdjoint(nameof(DenseNoBiasAdjoint), Batch = BatchForm.Dense, ReadsOutputs = false)]
    public static void DenseNoBias(double[,] weights, ReadOnlySpan<double> input, Span<double> output)
    {
        CheckMatrix(weights, output.Length, input.Length);
        DenseNoBias(Flat(weights), input, output);
    }

    /// <summary>
    /// Adjoint of <see cref="DenseNoBias(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>:
    /// <c>weightsBar += outputBar·inputᵀ</c>, <c>inputBar += Wᵀ·outputBar</c>. An empty bar (not needed) is skipped.
    /// </summary>
    public static void DenseNoBiasAdjoint(ReadOnlySpan<float> weights, ReadOnlySpan<float> input, ReadOnlySpan<float> output,
        ReadOnlySpan<float> outputBar, Span<float> weightsBar, Span<float> inputBar)
    {
        CheckDenseAdjoint(weights, default, input, output, outputBar, weightsBar, default, inputBar, hasBias: false);
        DenseBackward(weights, input, outputBar, weightsBar, inputBar);
    }

    /// <inheritdoc cref="DenseNoBiasAdjoint(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    public static void DenseNoBiasAdjoint(ReadOnlySpan<double> weights, ReadOnlySpan<double> input, ReadOnlySpan<double> output,
        ReadOnlySpan<double> outputBar, Span<double> weightsBar, Span<double> inputBar)
    {
        CheckDenseAdjoint(weights, default, input, output, outputBar, weightsBar, default, inputBar, hasBias: false);
        DenseBackward(weights, input, outputBar, weightsBar, inputBar);
    }

    /// <summary>
    /// <see cref="DenseNoBiasAdjoint(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    /// with the input's adjoint over the window <c>[inputBarStart, inputBarStart + inputBar.Length)</c> only (see the
    /// windowed <c>DenseAdjoint</c>).
    /// </summary>
    public static void DenseNoBiasAdjoint(ReadOnlySpan<float> weights, ReadOnlySpan<float> input, ReadOnlySpan<float> output,
        ReadOnlySpan<float> outputBar, Span<float> weightsBar, Span<float> inputBar, int inputBarStart)
    {
        CheckDenseAdjoint(weights, default, input, output, outputBar, weightsBar, default, default, hasBias: false);
        CheckInputBarWindow(input.Length, inputBar.Length, inputBarStart);
        DenseBackward(weights, input, outputBar, weightsBar, inputBar, inputBarStart);
    }

    /// <inheritdoc cref="DenseNoBiasAdjoint(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, int)"/>
    public static void DenseNoBiasAdjoint(ReadOnlySpan<double> weights, ReadOnlySpan<double> input, ReadOnlySpan<double> output,
        ReadOnlySpan<double> outputBar, Span<double> weightsBar, Span<double> inputBar, int inputBarStart)
    {
        CheckDenseAdjoint(weights, default, input, output, outputBar, weightsBar, default, default, hasBias: false);
        CheckInputBarWindow(input.Length, inputBar.Length, inputBarStart);
        DenseBackward(weights, input, outputBar, weightsBar, inputBar, inputBarStart);
    }

    /// <summary>Adjoint of <see cref="DenseNoBias(float[,], ReadOnlySpan{float}, Span{float})"/>; <paramref name="weightsBar"/> is row-major.</summary>
    public static void DenseNoBiasAdjoint(float[,] weights, ReadOnlySpan<float> input, ReadOnlySpan<float> output,
        ReadOnlySpan<float> outputBar, Span<float> weightsBar, Span<float> inputBar)
    {
        CheckMatrix(weights, output.Length, input.Length);
        DenseNoBiasAdjoint(Flat(weights), input, output, outputBar, weightsBar, inputBar);
    }

    /// <inheritdoc cref="DenseNoBiasAdjoint(float[,], ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float})"/>
    public static void DenseNoBiasAdjoint(double[,] weights, ReadOnlySpan<double> input, ReadOnlySpan<double> output,
        ReadOnlySpan<double> outputBar, Span<double> weightsBar, Span<double> inputBar)
    {
        CheckMatrix(weights, output.Length, input.Length);
        DenseNoBiasAdjoint(Flat(weights), input, output, outputBar, weightsBar, inputBar);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Checks
    // ---------------------------------------------------------------------------------------------------------

    private static void CheckMatrix(Array weights, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(weights);
        KernelGuard.Dimension(weights, 0, rows, nameof(weights), "output.Length");
        KernelGuard.Dimension(weights, 1, cols, nameof(weights), "input.Length");
    }

    private static void CheckInputBarWindow(int inputLength, int windowLength, int windowStart)
    {
        if (windowStart < 0 || windowStart > inputLength)
            throw new ArgumentOutOfRangeException("inputBarStart", windowStart, $"inputBarStart: expected 0 to input.Length ({inputLength}); found {windowStart}.");
        if (windowLength > inputLength - windowStart)
            throw new ArgumentException($"inputBar has length {windowLength}; expected at most input.Length - inputBarStart = {inputLength - windowStart}.", "inputBar");
    }

    private static void CheckDense<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> input, Span<T> output, bool hasBias)
    {
        KernelGuard.Length(weights.Length, (long)output.Length * input.Length, nameof(weights), "output.Length × input.Length");
        if (hasBias) KernelGuard.Length(bias.Length, output.Length, nameof(bias));
        // Rows of the output are written while the inputs are still being read, so any overlap is wrong.
        KernelGuard.NoOverlap(input, output, nameof(input), nameof(output));
        KernelGuard.NoOverlap(weights, output, nameof(weights), nameof(output));
        KernelGuard.NoOverlap(bias, output, nameof(bias), nameof(output));
    }

    private static void CheckDenseAdjoint<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> input, ReadOnlySpan<T> output,
        ReadOnlySpan<T> outputBar, Span<T> weightsBar, Span<T> biasBar, Span<T> inputBar, bool hasBias)
    {
        KernelGuard.Length(weights.Length, (long)output.Length * input.Length, nameof(weights), "output.Length × input.Length");
        KernelGuard.Length(outputBar.Length, output.Length, nameof(outputBar));
        KernelGuard.BarLength(weightsBar.Length, weights.Length, nameof(weightsBar));
        KernelGuard.BarLength(inputBar.Length, input.Length, nameof(inputBar));
        if (hasBias)
        {
            KernelGuard.Length(bias.Length, output.Length, nameof(bias));
            KernelGuard.BarLength(biasBar.Length, output.Length, nameof(biasBar));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Kernels
    // ---------------------------------------------------------------------------------------------------------

    /// <summary>
    /// <c>y = W·x (+ bias)</c>. Rows go in blocks of <see cref="DenseRowBlock"/>: one load of an x vector feeds
    /// four accumulators, which halves the loads per multiply–add and keeps four independent dependency chains
    /// in flight. Within a row the columns run in <see cref="Vector{T}"/> steps, then a scalar tail (each row's
    /// tail is a reduction, so no overlapping last vector). An empty <paramref name="bias"/> means no bias.
    /// </summary>
    private static void DenseForward<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> bias, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = y.Length, cols = x.Length;
        bool hasBias = !bias.IsEmpty;
        ref T wRef = ref MemoryMarshal.GetReference(weights);
        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T yRef = ref MemoryMarshal.GetReference(y);
        ref T bRef = ref MemoryMarshal.GetReference(bias);
        int vectorEnd = UseVectors<T>() ? cols - cols % Vector<T>.Count : 0;

        int i = 0;
        for (; i <= rows - DenseRowBlock; i += DenseRowBlock)
        {
            ref T r0 = ref Unsafe.Add(ref wRef, (nint)i * cols);
            ref T r1 = ref Unsafe.Add(ref r0, cols);
            ref T r2 = ref Unsafe.Add(ref r1, cols);
            ref T r3 = ref Unsafe.Add(ref r2, cols);
            Vector<T> a0 = Vector<T>.Zero, a1 = Vector<T>.Zero, a2 = Vector<T>.Zero, a3 = Vector<T>.Zero;
            int j = 0;
            for (; j < vectorEnd; j += Vector<T>.Count)
            {
                var xv = Vector.LoadUnsafe(ref xRef, (nuint)j);
                a0 += Vector.LoadUnsafe(ref r0, (nuint)j) * xv;
                a1 += Vector.LoadUnsafe(ref r1, (nuint)j) * xv;
                a2 += Vector.LoadUnsafe(ref r2, (nuint)j) * xv;
                a3 += Vector.LoadUnsafe(ref r3, (nuint)j) * xv;
            }
            T s0 = Vector.Sum(a0), s1 = Vector.Sum(a1), s2 = Vector.Sum(a2), s3 = Vector.Sum(a3);
            for (; j < cols; j++)
            {
                T xj = Unsafe.Add(ref xRef, j);
                s0 += Unsafe.Add(ref r0, j) * xj;
                s1 += Unsafe.Add(ref r1, j) * xj;
                s2 += Unsafe.Add(ref r2, j) * xj;
                s3 += Unsafe.Add(ref r3, j) * xj;
            }
            if (hasBias)
            {
                s0 += Unsafe.Add(ref bRef, i);
                s1 += Unsafe.Add(ref bRef, i + 1);
                s2 += Unsafe.Add(ref bRef, i + 2);
                s3 += Unsafe.Add(ref bRef, i + 3);
            }
            Unsafe.Add(ref yRef, i) = s0;
            Unsafe.Add(ref yRef, i + 1) = s1;
            Unsafe.Add(ref yRef, i + 2) = s2;
            Unsafe.Add(ref yRef, i + 3) = s3;
        }

        for (; i < rows; i++)
        {
            ref T r = ref Unsafe.Add(ref wRef, (nint)i * cols);
            var a = Vector<T>.Zero;
            int j = 0;
            for (; j < vectorEnd; j += Vector<T>.Count)
                a += Vector.LoadUnsafe(ref r, (nuint)j) * Vector.LoadUnsafe(ref xRef, (nuint)j);
            T s = Vector.Sum(a);
            for (; j < cols; j++) s += Unsafe.Add(ref r, j) * Unsafe.Add(ref xRef, j);
            Unsafe.Add(ref yRef, i) = hasBias ? s + Unsafe.Add(ref bRef, i) : s;
        }
    }

    /// <summary>Rows of the output whose adjoint is non-zero are gathered this many at a time.</summary>
    private const int LiveRowChunk = 256;

    /// <summary>
    /// <c>weightsBar += yBar·xᵀ</c> and <c>inputBar += Wᵀ·yBar</c>, skipping either one whose bar is empty (the
    /// caller does not need it): both go through the fused kernel, one alone through a kernel that does only its work.
    /// <paramref name="xBar"/> covers the input's columns <c>[xBarStart, xBarStart + xBar.Length)</c>: the whole input,
    /// or only the part whose adjoint the caller reads (a first layer's active columns, not its data columns).
    /// </summary>
    /// <remarks>
    /// Only the rows with a non-zero <c>yBarᵢ</c> take part: a zero row adds exactly zero to both products. Behind a ReLU
    /// (whose adjoint zeroes the rows of inactive units) that is about half of them, and skipping them halves the
    /// backward pass. The rows are gathered first and then blocked in fours as before, so every kernel sees the same
    /// rows in the same order and the fused and unfused forms still agree bit for bit.
    /// </remarks>
    private static void DenseBackward<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> x, ReadOnlySpan<T> yBar, Span<T> weightsBar, Span<T> xBar, int xBarStart = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (xBar.IsEmpty && weightsBar.IsEmpty) return;
        Span<int> live = stackalloc int[LiveRowChunk];
        for (int first = 0; first < yBar.Length; first += LiveRowChunk)
        {
            int end = Math.Min(yBar.Length, first + LiveRowChunk), count = 0;
            for (int i = first; i < end; i++)
                if (yBar[i] != T.Zero) live[count++] = i;
            ReadOnlySpan<int> rows = live[..count];
            if (xBar.IsEmpty)
                DenseOuterAccumulate(x, yBar, rows, weightsBar);
            else if (weightsBar.IsEmpty)
                DenseTransposedAccumulate(weights, x.Length, yBar, rows, xBar, xBarStart);
            else if (xBarStart == 0 && xBar.Length == x.Length)
                DenseBackwardFused(weights, x, yBar, rows, weightsBar, xBar);
            else
                DenseBackwardWindowed(weights, x, yBar, rows, weightsBar, xBar, xBarStart);
        }
    }

    /// <summary>
    /// <c>weightsBar += yBar·xᵀ</c> alone: row i gets <c>yBarᵢ·x</c>. Rows are independent, so there is nothing to
    /// block; each row is one in-place multiply–add (computed as the fused kernel does, so results agree bit for bit).
    /// </summary>
    private static void DenseOuterAccumulate<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> yBar, ReadOnlySpan<int> rows, Span<T> weightsBar)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int cols = x.Length;
        foreach (int i in rows)
        {
            var row = weightsBar.Slice(i * cols, cols);
            TensorPrimitives.MultiplyAdd(x, yBar[i], row, row);
        }
    }

    /// <summary>
    /// <c>inputBar += Wᵀ·yBar</c> alone, over the columns <c>[start, start + xBar.Length)</c> of W (<paramref name="cols"/>
    /// wide), blocked like <see cref="DenseBackwardFused{T}"/> and with its exact order of additions, so that skipping
    /// weightsBar or narrowing the window does not change inputBar by a single bit.
    /// </summary>
    private static void DenseTransposedAccumulate<T>(ReadOnlySpan<T> weights, int cols, ReadOnlySpan<T> yBar, ReadOnlySpan<int> rows, Span<T> xBar, int start)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int width = xBar.Length;
        ref T wRef = ref Unsafe.Add(ref MemoryMarshal.GetReference(weights), start);
        ref T gRef = ref MemoryMarshal.GetReference(yBar);
        ref T pRef = ref MemoryMarshal.GetReference(xBar);
        int vectorEnd = UseVectors<T>() ? width - width % Vector<T>.Count : 0;

        int b = 0;
        for (; b <= rows.Length - DenseRowBlock; b += DenseRowBlock)
        {
            int i0 = rows[b], i1 = rows[b + 1], i2 = rows[b + 2], i3 = rows[b + 3];
            ref T w0 = ref Unsafe.Add(ref wRef, (nint)i0 * cols);
            ref T w1 = ref Unsafe.Add(ref wRef, (nint)i1 * cols);
            ref T w2 = ref Unsafe.Add(ref wRef, (nint)i2 * cols);
            ref T w3 = ref Unsafe.Add(ref wRef, (nint)i3 * cols);
            T g0 = Unsafe.Add(ref gRef, i0), g1 = Unsafe.Add(ref gRef, i1), g2 = Unsafe.Add(ref gRef, i2), g3 = Unsafe.Add(ref gRef, i3);
            var gv0 = new Vector<T>(g0);
            var gv1 = new Vector<T>(g1);
            var gv2 = new Vector<T>(g2);
            var gv3 = new Vector<T>(g3);
            int j = 0;
            for (; j < vectorEnd; j += Vector<T>.Count)
            {
                var pv = Vector.LoadUnsafe(ref pRef, (nuint)j)
                    + gv0 * Vector.LoadUnsafe(ref w0, (nuint)j)
                    + gv1 * Vector.LoadUnsafe(ref w1, (nuint)j)
                    + gv2 * Vector.LoadUnsafe(ref w2, (nuint)j)
                    + gv3 * Vector.LoadUnsafe(ref w3, (nuint)j);
                pv.StoreUnsafe(ref pRef, (nuint)j);
            }
            for (; j < width; j++)
                Unsafe.Add(ref pRef, j) = Unsafe.Add(ref pRef, j)
                    + g0 * Unsafe.Add(ref w0, j) + g1 * Unsafe.Add(ref w1, j) + g2 * Unsafe.Add(ref w2, j) + g3 * Unsafe.Add(ref w3, j);
        }

        for (; b < rows.Length; b++)
        {
            int i = rows[b];
            ref T w = ref Unsafe.Add(ref wRef, (nint)i * cols);
            T g = Unsafe.Add(ref gRef, i);
            var gv = new Vector<T>(g);
            int j = 0;
            for (; j < vectorEnd; j += Vector<T>.Count)
                (Vector.LoadUnsafe(ref pRef, (nuint)j) + gv * Vector.LoadUnsafe(ref w, (nuint)j)).StoreUnsafe(ref pRef, (nuint)j);
            for (; j < width; j++) Unsafe.Add(ref pRef, j) += g * Unsafe.Add(ref w, j);
        }
    }

    /// <summary>
    /// <c>weightsBar += yBar·xᵀ</c> over every column and <c>inputBar += Wᵀ·yBar</c> over the window
    /// <c>[start, start + xBar.Length)</c> only, in one pass over the rows: per block of four rows, the outer product's
    /// loop over all columns, then the transposed product's over the window, each with the arithmetic of the kernel that
    /// does it alone (so the results equal theirs bit for bit).
    /// </summary>
    private static void DenseBackwardWindowed<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> x, ReadOnlySpan<T> yBar, ReadOnlySpan<int> rows,
        Span<T> weightsBar, Span<T> xBar, int start)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int cols = x.Length, width = xBar.Length;
        ref T wRef = ref Unsafe.Add(ref MemoryMarshal.GetReference(weights), start);
        ref T qRef = ref MemoryMarshal.GetReference(weightsBar);
        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T gRef = ref MemoryMarshal.GetReference(yBar);
        ref T pRef = ref MemoryMarshal.GetReference(xBar);
        int lanes = Vector<T>.Count;
        int colsEnd = UseVectors<T>() ? cols - cols % lanes : 0;
        int widthEnd = UseVectors<T>() ? width - width % lanes : 0;

        int b = 0;
        for (; b <= rows.Length - DenseRowBlock; b += DenseRowBlock)
        {
            int i0 = rows[b], i1 = rows[b + 1], i2 = rows[b + 2], i3 = rows[b + 3];
            ref T q0 = ref Unsafe.Add(ref qRef, (nint)i0 * cols);
            ref T q1 = ref Unsafe.Add(ref qRef, (nint)i1 * cols);
            ref T q2 = ref Unsafe.Add(ref qRef, (nint)i2 * cols);
            ref T q3 = ref Unsafe.Add(ref qRef, (nint)i3 * cols);
            T g0 = Unsafe.Add(ref gRef, i0), g1 = Unsafe.Add(ref gRef, i1), g2 = Unsafe.Add(ref gRef, i2), g3 = Unsafe.Add(ref gRef, i3);
            var gv0 = new Vector<T>(g0);
            var gv1 = new Vector<T>(g1);
            var gv2 = new Vector<T>(g2);
            var gv3 = new Vector<T>(g3);
            int j = 0;
            for (; j < colsEnd; j += lanes)
            {
                var xv = Vector.LoadUnsafe(ref xRef, (nuint)j);
                (Vector.LoadUnsafe(ref q0, (nuint)j) + gv0 * xv).StoreUnsafe(ref q0, (nuint)j);
                (Vector.LoadUnsafe(ref q1, (nuint)j) + gv1 * xv).StoreUnsafe(ref q1, (nuint)j);
                (Vector.LoadUnsafe(ref q2, (nuint)j) + gv2 * xv).StoreUnsafe(ref q2, (nuint)j);
                (Vector.LoadUnsafe(ref q3, (nuint)j) + gv3 * xv).StoreUnsafe(ref q3, (nuint)j);
            }
            for (; j < cols; j++)
            {
                T xj = Unsafe.Add(ref xRef, j);
                Unsafe.Add(ref q0, j) += g0 * xj;
                Unsafe.Add(ref q1, j) += g1 * xj;
                Unsafe.Add(ref q2, j) += g2 * xj;
                Unsafe.Add(ref q3, j) += g3 * xj;
            }
            ref T w0 = ref Unsafe.Add(ref wRef, (nint)i0 * cols);
            ref T w1 = ref Unsafe.Add(ref wRef, (nint)i1 * cols);
            ref T w2 = ref Unsafe.Add(ref wRef, (nint)i2 * cols);
            ref T w3 = ref Unsafe.Add(ref wRef, (nint)i3 * cols);
            j = 0;
            for (; j < widthEnd; j += lanes)
            {
                var pv = Vector.LoadUnsafe(ref pRef, (nuint)j)
                    + gv0 * Vector.LoadUnsafe(ref w0, (nuint)j)
                    + gv1 * Vector.LoadUnsafe(ref w1, (nuint)j)
                    + gv2 * Vector.LoadUnsafe(ref w2, (nuint)j)
                    + gv3 * Vector.LoadUnsafe(ref w3, (nuint)j);
                pv.StoreUnsafe(ref pRef, (nuint)j);
            }
            for (; j < width; j++)
                Unsafe.Add(ref pRef, j) = Unsafe.Add(ref pRef, j)
                    + g0 * Unsafe.Add(ref w0, j) + g1 * Unsafe.Add(ref w1, j) + g2 * Unsafe.Add(ref w2, j) + g3 * Unsafe.Add(ref w3, j);
        }

        for (; b < rows.Length; b++)
        {
            int i = rows[b];
            ref T q = ref Unsafe.Add(ref qRef, (nint)i * cols);
            ref T w = ref Unsafe.Add(ref wRef, (nint)i * cols);
            T g = Unsafe.Add(ref gRef, i);
            var gv = new Vector<T>(g);
            int j = 0;
            for (; j < colsEnd; j += lanes)
                (Vector.LoadUnsafe(ref q, (nuint)j) + gv * Vector.LoadUnsafe(ref xRef, (nuint)j)).StoreUnsafe(ref q, (nuint)j);
            for (; j < cols; j++) Unsafe.Add(ref q, j) += g * Unsafe.Add(ref xRef, j);
            j = 0;
            for (; j < widthEnd; j += lanes)
                (Vector.LoadUnsafe(ref pRef, (nuint)j) + gv * Vector.LoadUnsafe(ref w, (nuint)j)).StoreUnsafe(ref pRef, (nuint)j);
            for (; j < width; j++) Unsafe.Add(ref pRef, j) += g * Unsafe.Add(ref w, j);
        }
    }

    /// <summary>
    /// <c>weightsBar += yBar·xᵀ</c> and <c>inputBar += Wᵀ·yBar</c> in one pass over W, for the given rows. Rows go in
    /// blocks of <see cref="DenseRowBlock"/> so that each inputBar vector is loaded and stored once per block rather than
    /// once per row. Tails are scalar: these are accumulations, and an overlapping vector would add twice.
    /// </summary>
    private static void DenseBackwardFused<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> x, ReadOnlySpan<T> yBar, ReadOnlySpan<int> rows, Span<T> weightsBar, Span<T> xBar)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int cols = x.Length;
        ref T wRef = ref MemoryMarshal.GetReference(weights);
        ref T qRef = ref MemoryMarshal.GetReference(weightsBar);
        ref T xRef = ref MemoryMarshal.GetReference(x);
        ref T gRef = ref MemoryMarshal.GetReference(yBar);
        ref T pRef = ref MemoryMarshal.GetReference(xBar);
        int vectorEnd = UseVectors<T>() ? cols - cols % Vector<T>.Count : 0;

        int b = 0;
        for (; b <= rows.Length - DenseRowBlock; b += DenseRowBlock)
        {
            int i0 = rows[b], i1 = rows[b + 1], i2 = rows[b + 2], i3 = rows[b + 3];
            ref T w0 = ref Unsafe.Add(ref wRef, (nint)i0 * cols);
            ref T w1 = ref Unsafe.Add(ref wRef, (nint)i1 * cols);
            ref T w2 = ref Unsafe.Add(ref wRef, (nint)i2 * cols);
            ref T w3 = ref Unsafe.Add(ref wRef, (nint)i3 * cols);
            ref T q0 = ref Unsafe.Add(ref qRef, (nint)i0 * cols);
            ref T q1 = ref Unsafe.Add(ref qRef, (nint)i1 * cols);
            ref T q2 = ref Unsafe.Add(ref qRef, (nint)i2 * cols);
            ref T q3 = ref Unsafe.Add(ref qRef, (nint)i3 * cols);
            T g0 = Unsafe.Add(ref gRef, i0), g1 = Unsafe.Add(ref gRef, i1), g2 = Unsafe.Add(ref gRef, i2), g3 = Unsafe.Add(ref gRef, i3);
            var gv0 = new Vector<T>(g0);
            var gv1 = new Vector<T>(g1);
            var gv2 = new Vector<T>(g2);
            var gv3 = new Vector<T>(g3);
            int j = 0;
            for (; j < vectorEnd; j += Vector<T>.Count)
            {
                var xv = Vector.LoadUnsafe(ref xRef, (nuint)j);
                (Vector.LoadUnsafe(ref q0, (nuint)j) + gv0 * xv).StoreUnsafe(ref q0, (nuint)j);
                (Vector.LoadUnsafe(ref q1, (nuint)j) + gv1 * xv).StoreUnsafe(ref q1, (nuint)j);
                (Vector.LoadUnsafe(ref q2, (nuint)j) + gv2 * xv).StoreUnsafe(ref q2, (nuint)j);
                (Vector.LoadUnsafe(ref q3, (nuint)j) + gv3 * xv).StoreUnsafe(ref q3, (nuint)j);
                var pv = Vector.LoadUnsafe(ref pRef, (nuint)j)
                    + gv0 * Vector.LoadUnsafe(ref w0, (nuint)j)
                    + gv1 * Vector.LoadUnsafe(ref w1, (nuint)j)
                    + gv2 * Vector.LoadUnsafe(ref w2, (nuint)j)
                    + gv3 * Vector.LoadUnsafe(ref w3, (nuint)j);
                pv.StoreUnsafe(ref pRef, (nuint)j);
            }
            for (; j < cols; j++)
            {
                T xj = Unsafe.Add(ref xRef, j);
                Unsafe.Add(ref q0, j) += g0 * xj;
                Unsafe.Add(ref q1, j) += g1 * xj;
                Unsafe.Add(ref q2, j) += g2 * xj;
                Unsafe.Add(ref q3, j) += g3 * xj;
                Unsafe.Add(ref pRef, j) = Unsafe.Add(ref pRef, j)
                    + g0 * Unsafe.Add(ref w0, j) + g1 * Unsafe.Add(ref w1, j) + g2 * Unsafe.Add(ref w2, j) + g3 * Unsafe.Add(ref w3, j);
            }
        }

        for (; b < rows.Length; b++)
        {
            int i = rows[b];
            ref T w = ref Unsafe.Add(ref wRef, (nint)i * cols);
            ref T q = ref Unsafe.Add(ref qRef, (nint)i * cols);
            T g = Unsafe.Add(ref gRef, i);
            var gv = new Vector<T>(g);
            int j = 0;
            for (; j < vectorEnd; j += Vector<T>.Count)
            {
                (Vector.LoadUnsafe(ref q, (nuint)j) + gv * Vector.LoadUnsafe(ref xRef, (nuint)j)).StoreUnsafe(ref q, (nuint)j);
                (Vector.LoadUnsafe(ref pRef, (nuint)j) + gv * Vector.LoadUnsafe(ref w, (nuint)j)).StoreUnsafe(ref pRef, (nuint)j);
            }
            for (; j < cols; j++)
            {
                Unsafe.Add(ref q, j) += g * Unsafe.Add(ref xRef, j);
                Unsafe.Add(ref pRef, j) += g * Unsafe.Add(ref w, j);
            }
        }
    }
}
