using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Diml.Kernels;

/// <summary>The 512-bit tier: <c>Vector512&lt;float&gt;</c>, 16 lanes.</summary>
internal readonly struct Vector512Tier : IVectorTier<Vector512<float>>
{
    public static int Lanes => Vector512<float>.Count;

    public static bool WideTile => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ref float source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) =>
        Vector512.MultiplyAddEstimate(left, right, addend);
}
