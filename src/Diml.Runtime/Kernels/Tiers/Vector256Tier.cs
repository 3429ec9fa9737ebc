using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Diml.Kernels;

/// <summary>The 256-bit tier: <c>Vector256&lt;float&gt;</c>, 8 lanes.</summary>
internal readonly struct Vector256Tier : IVectorTier<Vector256<float>>
{
    public static int Lanes => Vector256<float>.Count;

    public static bool WideTile => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) =>
        Vector256.MultiplyAddEstimate(left, right, addend);
}
