using System.Runtime.CompilerServices;

namespace Diml.Kernels;

/// <summary>The scalar tier, for hardware without 128-bit vectors: one lane, the same multiply-add.</summary>
internal readonly struct ScalarTier : IVectorTier<float>
{
    public static int Lanes => 1;

    public static bool WideTile => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source, nuint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float left, float right, float addend) => float.MultiplyAddEstimate(left, right, addend);
}
