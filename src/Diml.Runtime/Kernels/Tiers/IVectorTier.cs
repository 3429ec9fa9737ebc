namespace Diml.Kernels;

/// <summary>
/// One SIMD width as an operator struct (the TensorPrimitives pattern): the few vector operations the matrix kernels
/// need, as static members, so that a driver generic over <typeparamref name="TVector"/> and a struct tier is compiled
/// once per width with every call inlined. <see cref="MultiplyAccumulate"/> picks the widest accelerated tier.
/// </summary>
/// <typeparam name="TVector">The register type: <c>Vector512&lt;float&gt;</c>, <c>Vector256&lt;float&gt;</c>, <c>Vector128&lt;float&gt;</c>, or <c>float</c>.</typeparam>
internal interface IVectorTier<TVector> where TVector : struct
{
    /// <summary>Floats per register.</summary>
    static abstract int Lanes { get; }

    /// <summary>
    /// Whether the ISA has 32 vector registers (AVX-512), so a micro-tile of 4 rows × 4 registers (16 accumulators,
    /// 4 loaded rows of B, one broadcast) stays in registers; with 16 registers the tile is 4 rows × 2 registers.
    /// </summary>
    static abstract bool WideTile { get; }

    /// <summary><c>Lanes</c> floats from <c>source[offset..]</c>.</summary>
    static abstract TVector Load(ref float source, nuint offset);

    /// <summary>Writes <paramref name="value"/> to <c>destination[offset..]</c>.</summary>
    static abstract void Store(TVector value, ref float destination, nuint offset);

    /// <summary><paramref name="value"/> in every lane.</summary>
    static abstract TVector Broadcast(float value);

    /// <summary>
    /// <c>left·right + addend</c> per lane: one fused, once-rounded operation where the hardware has FMA, else a multiply
    /// then an add (<c>MultiplyAddEstimate</c>, as TensorPrimitives uses it: a software-emulated fused operation
    /// would be a hundred times slower).
    /// </summary>
    static abstract TVector MultiplyAdd(TVector left, TVector right, TVector addend);
}
