using System;

namespace Diml.Generators.Ir;

/// <summary>The Math/MathF functions kernels may call; the member name is the method name.</summary>
internal enum MathFunction
{
    // Differentiable: each has a derivative rule (ReverseMode.PropagateMath).
    Exp, Log, Tanh, Sqrt, Pow, Abs, Max, Min, Sin, Cos,
    // Piecewise constant: the derivative is zero wherever it exists.
    Floor, Ceiling, Round, Truncate, Sign,
}

/// <summary>Questions about <see cref="MathFunction"/>, in one place.</summary>
internal static class MathFunctions
{
    /// <summary>The function a Math/MathF method name denotes, or null when kernels do not support it.</summary>
    public static MathFunction? Parse(string name)
        => Enum.TryParse(name, ignoreCase: false, out MathFunction function) && Enum.IsDefined(typeof(MathFunction), function)
           && function.ToString() == name ? function : null;

    public static bool IsPiecewiseConstant(MathFunction function) => function >= MathFunction.Floor;

    /// <summary>How many arguments the supported overload takes.</summary>
    public static int Arity(MathFunction function) => function is MathFunction.Pow or MathFunction.Max or MathFunction.Min ? 2 : 1;
}
