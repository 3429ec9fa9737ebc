using System;
using System.Collections.Generic;

namespace Diml.Generators.Ir;

/// <summary>The Math/MathF functions kernels may call, in one place: the differentiable ones and the piecewise-constant ones.</summary>
internal static class MathFunctions
{
    /// <summary>Functions with a derivative rule (AdjointEmitter.PropagateMath).</summary>
    private static readonly HashSet<string> Differentiable = new(StringComparer.Ordinal)
    {
        "Exp", "Log", "Tanh", "Sqrt", "Pow", "Abs", "Max", "Min", "Sin", "Cos",
    };

    /// <summary>Piecewise-constant functions: their derivative is zero wherever it exists.</summary>
    private static readonly HashSet<string> PiecewiseConstant = new(StringComparer.Ordinal)
    {
        "Floor", "Ceiling", "Round", "Truncate", "Sign",
    };

    public static bool IsKnown(string name) => Differentiable.Contains(name) || PiecewiseConstant.Contains(name);

    public static bool IsPiecewiseConstant(string name) => PiecewiseConstant.Contains(name);
}
