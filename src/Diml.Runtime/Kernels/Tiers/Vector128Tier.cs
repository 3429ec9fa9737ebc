using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Diml.Kernels;

/// <summary>The 128-bit tier: <c>Vector128&lt;float&gt;</c>, 4 lanes.</summary>
internal readonly struct Vector128Tier : IVectorTier<Vector128<float>>
{
    public static int Lanes => Vector128<float>.Count;

    public static bool WideTile => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend) =>
        Vector128.MultiplyAddEstimate(left, right, addend);
}
