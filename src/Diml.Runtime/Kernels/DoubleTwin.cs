using System.ComponentModel;

namespace Diml.Kernels;

/// <summary>
/// Support for the generated <c>double</c> twins: a kernel that passes a constant <c>float</c> array field
/// (a hyperparameter, not a <see cref="ParamAttribute"/>) whole to a primitive or another kernel needs it in
/// double precision there. The twins exist for gradient checks, so a copy per call is acceptable; the float
/// kernels never call this.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DoubleTwin
{
    /// <summary>A double copy of <paramref name="values"/>.</summary>
    public static double[] Widen(float[] values) => Array.ConvertAll(values, static v => (double)v);

    /// <summary>A double copy of <paramref name="values"/>, same shape.</summary>
    public static double[,] Widen(float[,] values)
    {
        var result = new double[values.GetLength(0), values.GetLength(1)];
        for (int i = 0; i < values.GetLength(0); i++)
            for (int j = 0; j < values.GetLength(1); j++)
                result[i, j] = values[i, j];
        return result;
    }

    /// <summary>Already double: returned as is.</summary>
    public static double[] Widen(double[] values) => values;

    /// <summary>Already double: returned as is.</summary>
    public static double[,] Widen(double[,] values) => values;
}
