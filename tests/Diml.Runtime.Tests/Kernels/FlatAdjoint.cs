namespace Diml.Runtime.Tests.Kernels;

/// <summary>A vector–Jacobian product that adds into <paramref name="inputBar"/>, as <see cref="IFlatFunction.Adjoint(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double})"/>.</summary>
internal delegate void FlatAdjoint<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> outputBar, Span<T> inputBar);
