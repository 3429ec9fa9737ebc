namespace Diml.Runtime.Tests.Kernels;

/// <summary>A forward map between flat vectors, as <see cref="IFlatFunction.Evaluate(ReadOnlySpan{double}, Span{double})"/>.</summary>
internal delegate void FlatEvaluate<T>(ReadOnlySpan<T> input, Span<T> output);
