using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Diml;

/// <summary>
/// Copies between [Param] fields and the flat parameter vector, and initialises them. Called by generated code.
/// </summary>
public static class ParameterFields
{
    public static void Read(float value, Span<float> destination, ref int offset) => destination[offset++] = value;

    public static void Read(float[] field, Span<float> destination, ref int offset)
    {
        field.CopyTo(destination.Slice(offset, field.Length));
        offset += field.Length;
    }

    public static void Read(float[,] field, Span<float> destination, ref int offset)
    {
        Flat(field).CopyTo(destination.Slice(offset, field.Length));
        offset += field.Length;
    }

    public static float ReadScalar(ReadOnlySpan<float> source, ref int offset) => source[offset++];

    public static void Write(float[] field, ReadOnlySpan<float> source, ref int offset)
    {
        source.Slice(offset, field.Length).CopyTo(field);
        offset += field.Length;
    }

    public static void Write(float[,] field, ReadOnlySpan<float> source, ref int offset)
    {
        source.Slice(offset, field.Length).CopyTo(Flat(field));
        offset += field.Length;
    }

    public static float Initialize(float value, ParamInit init, int fanIn, Random random)
    {
        Span<float> one = [value];
        Initialize(one, init, fanIn, random);
        return one[0];
    }

    public static void Initialize(float[] field, ParamInit init, int fanIn, Random random) => Initialize(field.AsSpan(), init, fanIn, random);

    public static void Initialize(float[,] field, ParamInit init, int fanIn, Random random) => Initialize(Flat(field), init, fanIn, random);

    private static void Initialize(Span<float> values, ParamInit init, int fanIn, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        switch (init)
        {
            case ParamInit.Keep:
                break;
            case ParamInit.Zeros:
                values.Clear();
                break;
            case ParamInit.StandardNormal:
                ParameterInitializer.FillStandardNormal(values, random);
                break;
            case ParamInit.FanInUniform:
                ParameterInitializer.FillUniform(values, ParameterInitializer.FanInBound(fanIn), random);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown initialisation scheme.");
        }
    }

    /// <summary>A row-major view of a 2-D array.</summary>
    public static Span<float> Flat(float[,] field)
        => MemoryMarshal.CreateSpan(ref Unsafe.As<byte, float>(ref MemoryMarshal.GetArrayDataReference(field)), field.Length);
}
