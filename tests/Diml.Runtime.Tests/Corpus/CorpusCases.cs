namespace Diml.Runtime.Tests.Corpus;

/// <summary>
/// Every corpus function with a generated self-check, with its float method and double twin seen as maps
/// between flat vectors laid out as the self-check lays them out: inputs in parameter order (a scalar takes
/// one coordinate, a span n), outputs the result first and then the output spans.
/// </summary>
public static class CorpusCases
{
    public delegate T S1<T>(T x);
    public delegate T S2<T>(T x, T y);
    public delegate T V1<T>(ReadOnlySpan<T> x);
    public delegate T V2<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b);
    public delegate T V3<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, ReadOnlySpan<T> c);
    public delegate T SV<T>(T a, ReadOnlySpan<T> x);
    public delegate void M1<T>(ReadOnlySpan<T> x, Span<T> y);
    public delegate void SM2<T>(T a, ReadOnlySpan<T> x, Span<T> y, Span<T> z);

    /// <param name="Name">The function.</param>
    /// <param name="HasSpans">Whether it takes spans (then it is checked at several span lengths).</param>
    /// <param name="InputLength">Flat input length for span length n.</param>
    /// <param name="Check">The generated self-check, <c>FCheckGradient(spanLength, seed)</c>.</param>
    /// <param name="Float">The user's float method on a flat point.</param>
    /// <param name="Double">The generated double twin on a flat point.</param>
    public sealed record Case(string Name, bool HasSpans, Func<int, int> InputLength, Func<int, int, GradientCheckReport> Check,
        Func<double[], int, double[]> Float, Func<double[], int, double[]> Double)
    {
        public override string ToString() => Name;
    }

    private static float[] F(double[] p) => Array.ConvertAll(p, v => (float)v);

    private static double[] D(float[] v) => Array.ConvertAll(v, x => (double)x);

    private static Case Of(string name, Func<int, int, GradientCheckReport> check, S1<float> f, S1<double> d)
        => new(name, false, _ => 1, check, (p, _) => [f((float)p[0])], (p, _) => [d(p[0])]);

    private static Case Of(string name, Func<int, int, GradientCheckReport> check, S2<float> f, S2<double> d)
        => new(name, false, _ => 2, check, (p, _) => [f((float)p[0], (float)p[1])], (p, _) => [d(p[0], p[1])]);

    private static Case Of(string name, Func<int, int, GradientCheckReport> check, V1<float> f, V1<double> d)
        => new(name, true, n => n, check, (p, _) => [f(F(p))], (p, _) => [d(p)]);

    private static Case Of(string name, Func<int, int, GradientCheckReport> check, V2<float> f, V2<double> d)
        => new(name, true, n => 2 * n, check,
            (p, n) => [f(F(p).AsSpan(0, n), F(p).AsSpan(n, n))],
            (p, n) => [d(p.AsSpan(0, n), p.AsSpan(n, n))]);

    private static Case Of(string name, Func<int, int, GradientCheckReport> check, V3<float> f, V3<double> d)
        => new(name, true, n => 3 * n, check,
            (p, n) => [f(F(p).AsSpan(0, n), F(p).AsSpan(n, n), F(p).AsSpan(2 * n, n))],
            (p, n) => [d(p.AsSpan(0, n), p.AsSpan(n, n), p.AsSpan(2 * n, n))]);

    private static Case Of(string name, Func<int, int, GradientCheckReport> check, SV<float> f, SV<double> d)
        => new(name, true, n => 1 + n, check,
            (p, n) => [f((float)p[0], F(p).AsSpan(1, n))],
            (p, n) => [d(p[0], p.AsSpan(1, n))]);

    private static Case Of(string name, Func<int, int, GradientCheckReport> check, M1<float> f, M1<double> d)
        => new(name, true, n => n, check,
            (p, n) => { var y = new float[n]; f(F(p), y); return D(y); },
            (p, n) => { var y = new double[n]; d(p, y); return y; });

    private static Case Of(string name, Func<int, int, GradientCheckReport> check, SM2<float> f, SM2<double> d)
        => new(name, true, n => 1 + n, check,
            (p, n) => { var y = new float[2 * n]; f((float)p[0], F(p).AsSpan(1, n), y.AsSpan(0, n), y.AsSpan(n, n)); return D(y); },
            (p, n) => { var y = new double[2 * n]; d(p[0], p.AsSpan(1, n), y.AsSpan(0, n), y.AsSpan(n, n)); return y; });

    private static readonly InstanceCorpus Instance = new(0.7f, 4);

    public static readonly Case[] All =
    [
        // Scalars
        Of(nameof(ScalarCorpus.Arithmetic), ScalarCorpus.ArithmeticCheckGradient, ScalarCorpus.Arithmetic, ScalarCorpus.ArithmeticDouble),
        Of(nameof(ScalarCorpus.UnaryMinus), ScalarCorpus.UnaryMinusCheckGradient, ScalarCorpus.UnaryMinus, ScalarCorpus.UnaryMinusDouble),
        Of(nameof(ScalarCorpus.Quotient), ScalarCorpus.QuotientCheckGradient, ScalarCorpus.Quotient, ScalarCorpus.QuotientDouble),
        Of(nameof(ScalarCorpus.ExpLog), ScalarCorpus.ExpLogCheckGradient, ScalarCorpus.ExpLog, ScalarCorpus.ExpLogDouble),
        Of(nameof(ScalarCorpus.TanhOf), ScalarCorpus.TanhOfCheckGradient, ScalarCorpus.TanhOf, ScalarCorpus.TanhOfDouble),
        Of(nameof(ScalarCorpus.SqrtOf), ScalarCorpus.SqrtOfCheckGradient, ScalarCorpus.SqrtOf, ScalarCorpus.SqrtOfDouble),
        Of(nameof(ScalarCorpus.PowBoth), ScalarCorpus.PowBothCheckGradient, ScalarCorpus.PowBoth, ScalarCorpus.PowBothDouble),
        Of(nameof(ScalarCorpus.PowConstantExponent), ScalarCorpus.PowConstantExponentCheckGradient, ScalarCorpus.PowConstantExponent, ScalarCorpus.PowConstantExponentDouble),
        Of(nameof(ScalarCorpus.AbsOf), ScalarCorpus.AbsOfCheckGradient, ScalarCorpus.AbsOf, ScalarCorpus.AbsOfDouble),
        Of(nameof(ScalarCorpus.AbsOfConditional), ScalarCorpus.AbsOfConditionalCheckGradient, ScalarCorpus.AbsOfConditional, ScalarCorpus.AbsOfConditionalDouble),
        Of(nameof(ScalarCorpus.PowOfConditional), ScalarCorpus.PowOfConditionalCheckGradient, ScalarCorpus.PowOfConditional, ScalarCorpus.PowOfConditionalDouble),
        Of(nameof(ScalarCorpus.MaxMin), ScalarCorpus.MaxMinCheckGradient, ScalarCorpus.MaxMin, ScalarCorpus.MaxMinDouble),
        Of(nameof(ScalarCorpus.SinCos), ScalarCorpus.SinCosCheckGradient, ScalarCorpus.SinCos, ScalarCorpus.SinCosDouble),
        Of(nameof(ScalarCorpus.HandSigmoid), ScalarCorpus.HandSigmoidCheckGradient, ScalarCorpus.HandSigmoid, ScalarCorpus.HandSigmoidDouble),
        Of(nameof(ScalarCorpus.HandSoftplus), ScalarCorpus.HandSoftplusCheckGradient, ScalarCorpus.HandSoftplus, ScalarCorpus.HandSoftplusDouble),
        Of(nameof(ScalarCorpus.HandRelu), ScalarCorpus.HandReluCheckGradient, ScalarCorpus.HandRelu, ScalarCorpus.HandReluDouble),
        Of(nameof(ScalarCorpus.BranchActive), ScalarCorpus.BranchActiveCheckGradient, ScalarCorpus.BranchActive, ScalarCorpus.BranchActiveDouble),
        Of(nameof(ScalarCorpus.BranchNoElse), ScalarCorpus.BranchNoElseCheckGradient, ScalarCorpus.BranchNoElse, ScalarCorpus.BranchNoElseDouble),
        Of(nameof(ScalarCorpus.EarlyReturn), ScalarCorpus.EarlyReturnCheckGradient, ScalarCorpus.EarlyReturn, ScalarCorpus.EarlyReturnDouble),
        Of(nameof(ScalarCorpus.DoubleLocals), ScalarCorpus.DoubleLocalsCheckGradient, ScalarCorpus.DoubleLocals, ScalarCorpus.DoubleLocalsDouble),
        Of(nameof(ScalarCorpus.Constants), ScalarCorpus.ConstantsCheckGradient, ScalarCorpus.Constants, ScalarCorpus.ConstantsDouble),
        Of(nameof(ScalarCorpus.CompoundAssign), ScalarCorpus.CompoundAssignCheckGradient, ScalarCorpus.CompoundAssign, ScalarCorpus.CompoundAssignDouble),
        Of(nameof(ScalarCorpus.ReassignParameter), ScalarCorpus.ReassignParameterCheckGradient, ScalarCorpus.ReassignParameter, ScalarCorpus.ReassignParameterDouble),
        Of(nameof(ScalarCorpus.UsesNonDifferentiable), ScalarCorpus.UsesNonDifferentiableCheckGradient, ScalarCorpus.UsesNonDifferentiable, ScalarCorpus.UsesNonDifferentiableDouble),
        Of(nameof(ScalarCorpus.NestedConditional), ScalarCorpus.NestedConditionalCheckGradient, ScalarCorpus.NestedConditional, ScalarCorpus.NestedConditionalDouble),
        Of(nameof(ScalarCorpus.IntMath), ScalarCorpus.IntMathCheckGradient, ScalarCorpus.IntMath, ScalarCorpus.IntMathDouble),

        // Spans and loops
        Of(nameof(LoopCorpus.Sum), LoopCorpus.SumCheckGradient, LoopCorpus.Sum, LoopCorpus.SumDouble),
        Of(nameof(LoopCorpus.WeightedSumOfSquares), LoopCorpus.WeightedSumOfSquaresCheckGradient, LoopCorpus.WeightedSumOfSquares, LoopCorpus.WeightedSumOfSquaresDouble),
        Of(nameof(LoopCorpus.Map), LoopCorpus.MapCheckGradient, LoopCorpus.Map, LoopCorpus.MapDouble),
        Of(nameof(LoopCorpus.Affine), LoopCorpus.AffineCheckGradient, LoopCorpus.Affine, LoopCorpus.AffineDouble),
        Of(nameof(LoopCorpus.Recurrence), LoopCorpus.RecurrenceCheckGradient, LoopCorpus.Recurrence, LoopCorpus.RecurrenceDouble),
        Of(nameof(LoopCorpus.RunningProduct), LoopCorpus.RunningProductCheckGradient, LoopCorpus.RunningProduct, LoopCorpus.RunningProductDouble),
        Of(nameof(LoopCorpus.CoupledRecurrence), LoopCorpus.CoupledRecurrenceCheckGradient, LoopCorpus.CoupledRecurrence, LoopCorpus.CoupledRecurrenceDouble),
        Of(nameof(LoopCorpus.ReverseLoop), LoopCorpus.ReverseLoopCheckGradient, LoopCorpus.ReverseLoop, LoopCorpus.ReverseLoopDouble),
        Of(nameof(LoopCorpus.StepLoop), LoopCorpus.StepLoopCheckGradient, LoopCorpus.StepLoop, LoopCorpus.StepLoopDouble),
        Of(nameof(LoopCorpus.NestedLoops), LoopCorpus.NestedLoopsCheckGradient, LoopCorpus.NestedLoops, LoopCorpus.NestedLoopsDouble),
        Of(nameof(LoopCorpus.NestedRecurrence), LoopCorpus.NestedRecurrenceCheckGradient, LoopCorpus.NestedRecurrence, LoopCorpus.NestedRecurrenceDouble),
        Of(nameof(LoopCorpus.Triangular), LoopCorpus.TriangularCheckGradient, LoopCorpus.Triangular, LoopCorpus.TriangularDouble),
        Of(nameof(LoopCorpus.Scratch), LoopCorpus.ScratchCheckGradient, LoopCorpus.Scratch, LoopCorpus.ScratchDouble),
        Of(nameof(LoopCorpus.InPlace), LoopCorpus.InPlaceCheckGradient, LoopCorpus.InPlace, LoopCorpus.InPlaceDouble),
        Of(nameof(LoopCorpus.PrefixProduct), LoopCorpus.PrefixProductCheckGradient, LoopCorpus.PrefixProduct, LoopCorpus.PrefixProductDouble),
        Of(nameof(LoopCorpus.AccumulateOutput), LoopCorpus.AccumulateOutputCheckGradient, LoopCorpus.AccumulateOutput, LoopCorpus.AccumulateOutputDouble),
        Of(nameof(LoopCorpus.BranchInLoop), LoopCorpus.BranchInLoopCheckGradient, LoopCorpus.BranchInLoop, LoopCorpus.BranchInLoopDouble),
        Of(nameof(LoopCorpus.RunningMax), LoopCorpus.RunningMaxCheckGradient, LoopCorpus.RunningMax, LoopCorpus.RunningMaxDouble),
        Of(nameof(LoopCorpus.HandSoftmax), LoopCorpus.HandSoftmaxCheckGradient, LoopCorpus.HandSoftmax, LoopCorpus.HandSoftmaxDouble),
        Of(nameof(LoopCorpus.IndexMath), LoopCorpus.IndexMathCheckGradient, LoopCorpus.IndexMath, LoopCorpus.IndexMathDouble),

        // Calls and primitives
        Of(nameof(CallCorpus.Inner), CallCorpus.InnerCheckGradient, CallCorpus.Inner, CallCorpus.InnerDouble),
        Of(nameof(CallCorpus.Middle), CallCorpus.MiddleCheckGradient, CallCorpus.Middle, CallCorpus.MiddleDouble),
        Of(nameof(CallCorpus.Outer), CallCorpus.OuterCheckGradient, CallCorpus.Outer, CallCorpus.OuterDouble),
        Of(nameof(CallCorpus.CallInLoop), CallCorpus.CallInLoopCheckGradient, CallCorpus.CallInLoop, CallCorpus.CallInLoopDouble),
        Of(nameof(CallCorpus.Squash), CallCorpus.SquashCheckGradient, CallCorpus.Squash, CallCorpus.SquashDouble),
        Of(nameof(CallCorpus.CallsSpanHelper), CallCorpus.CallsSpanHelperCheckGradient, CallCorpus.CallsSpanHelper, CallCorpus.CallsSpanHelperDouble),
        Of(nameof(CallCorpus.Sum2), CallCorpus.Sum2CheckGradient, CallCorpus.Sum2, CallCorpus.Sum2Double),
        Of(nameof(CallCorpus.RowsThroughHelper), CallCorpus.RowsThroughHelperCheckGradient, CallCorpus.RowsThroughHelper, CallCorpus.RowsThroughHelperDouble),
        Of(nameof(CallCorpus.DenseLayer), CallCorpus.DenseLayerCheckGradient, CallCorpus.DenseLayer, CallCorpus.DenseLayerDouble),
        Of(nameof(CallCorpus.TwoLayer), CallCorpus.TwoLayerCheckGradient, CallCorpus.TwoLayer, CallCorpus.TwoLayerDouble),
        Of(nameof(CallCorpus.Activations), CallCorpus.ActivationsCheckGradient, CallCorpus.Activations, CallCorpus.ActivationsDouble),
        Of(nameof(CallCorpus.ScalarActivations), CallCorpus.ScalarActivationsCheckGradient, CallCorpus.ScalarActivations, CallCorpus.ScalarActivationsDouble),
        Of(nameof(CallCorpus.SoftmaxOut), CallCorpus.SoftmaxOutCheckGradient, CallCorpus.SoftmaxOut, CallCorpus.SoftmaxOutDouble),
        Of(nameof(CallCorpus.LogSoftmaxAndLogSumExp), CallCorpus.LogSoftmaxAndLogSumExpCheckGradient, CallCorpus.LogSoftmaxAndLogSumExp, CallCorpus.LogSoftmaxAndLogSumExpDouble),
        Of(nameof(CallCorpus.EmbeddingLookup), CallCorpus.EmbeddingLookupCheckGradient, CallCorpus.EmbeddingLookup, CallCorpus.EmbeddingLookupDouble),
        Of(nameof(CallCorpus.DotRows), CallCorpus.DotRowsCheckGradient, CallCorpus.DotRows, CallCorpus.DotRowsDouble),
        Of(nameof(CallCorpus.PrimitiveInLoop), CallCorpus.PrimitiveInLoopCheckGradient, CallCorpus.PrimitiveInLoop, CallCorpus.PrimitiveInLoopDouble),
        Of(nameof(CallCorpus.PrimitiveOverwritesInLoop), CallCorpus.PrimitiveOverwritesInLoopCheckGradient, CallCorpus.PrimitiveOverwritesInLoop, CallCorpus.PrimitiveOverwritesInLoopDouble),

        // Instance methods
        Of(nameof(InstanceCorpus.Scaled), Instance.ScaledCheckGradient, Instance.Scaled, Instance.ScaledDouble),
        Of(nameof(InstanceCorpus.Polynomial), Instance.PolynomialCheckGradient, Instance.Polynomial, Instance.PolynomialDouble),
        Of(nameof(InstanceCorpus.WeightedNorm), Instance.WeightedNormCheckGradient, Instance.WeightedNorm, Instance.WeightedNormDouble),
        Of(nameof(InstanceCorpus.Composite), Instance.CompositeCheckGradient, Instance.Composite, Instance.CompositeDouble),

        // Edge cases
        Of(nameof(EdgeCorpus.CollidingNames), EdgeCorpus.CollidingNamesCheckGradient, EdgeCorpus.CollidingNames, EdgeCorpus.CollidingNamesDouble),
        Of(nameof(EdgeCorpus.LocalNamedLikeAdjoint), EdgeCorpus.LocalNamedLikeAdjointCheckGradient, EdgeCorpus.LocalNamedLikeAdjoint, EdgeCorpus.LocalNamedLikeAdjointDouble),
        Of(nameof(EdgeCorpus.WritesThroughAlias), EdgeCorpus.WritesThroughAliasCheckGradient, EdgeCorpus.WritesThroughAlias, EdgeCorpus.WritesThroughAliasDouble),
        Of(nameof(EdgeCorpus.CallsInBranches), EdgeCorpus.CallsInBranchesCheckGradient, EdgeCorpus.CallsInBranches, EdgeCorpus.CallsInBranchesDouble),
        Of(nameof(EdgeCorpus.DeclaredWithoutValue), EdgeCorpus.DeclaredWithoutValueCheckGradient, EdgeCorpus.DeclaredWithoutValue, EdgeCorpus.DeclaredWithoutValueDouble),
        Of(nameof(EdgeCorpus.Increments), EdgeCorpus.IncrementsCheckGradient, EdgeCorpus.Increments, EdgeCorpus.IncrementsDouble),
        Of(nameof(EdgeCorpus.CallsIntHelper), EdgeCorpus.CallsIntHelperCheckGradient, EdgeCorpus.CallsIntHelper, EdgeCorpus.CallsIntHelperDouble),
        Of(nameof(EdgeCorpus.LoopShapes), EdgeCorpus.LoopShapesCheckGradient, EdgeCorpus.LoopShapes, EdgeCorpus.LoopShapesDouble),
        Of(nameof(EdgeCorpus.ClampedRecurrence), EdgeCorpus.ClampedRecurrenceCheckGradient, EdgeCorpus.ClampedRecurrence, EdgeCorpus.ClampedRecurrenceDouble),
        Of(nameof(EdgeCorpus.ExpressionBodiedVoid), EdgeCorpus.ExpressionBodiedVoidCheckGradient, EdgeCorpus.ExpressionBodiedVoid, EdgeCorpus.ExpressionBodiedVoidDouble),
        Of(nameof(EdgeCorpus.PartlyConstantOutput), EdgeCorpus.PartlyConstantOutputCheckGradient, EdgeCorpus.PartlyConstantOutput, EdgeCorpus.PartlyConstantOutputDouble),
        Of(nameof(EdgeCorpus.LogSumExpInLoop), EdgeCorpus.LogSumExpInLoopCheckGradient, EdgeCorpus.LogSumExpInLoop, EdgeCorpus.LogSumExpInLoopDouble),
    ];

    public static Case Get(string name) => All.Single(c => c.Name == name);

    public static TheoryData<string> Names() => [.. All.Select(c => c.Name)];
}
