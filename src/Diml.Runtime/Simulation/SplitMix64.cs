using System.Runtime.CompilerServices;

namespace Diml.Simulation;

/// <summary>
/// A small, fast, splittable pseudo-random generator (Steele, Lea and Flood's SplitMix64). It is a value
/// type with no shared state, so each episode (or each fit) owns its own stream and results never depend
/// on which thread ran what; <see cref="ForStream"/> derives independent streams from (seed, stream).
/// </summary>
public struct SplitMix64
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    /// <summary>A generator started at <paramref name="seed"/> (or restored at a saved <see cref="State"/>).</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>The whole state: <c>new SplitMix64(State)</c> continues the same sequence (fit checkpoints save it).</summary>
    public readonly ulong State => _state;

    /// <summary>
    /// The generator of stream <paramref name="stream"/> (e.g. an episode) under <paramref name="seed"/>.
    /// Both are mixed so that neighbouring seeds and streams give unrelated sequences.
    /// </summary>
    public static SplitMix64 ForStream(ulong seed, ulong stream) => new(Mix(Mix(seed) ^ (stream * Gamma + 0x632BE59BD9B4E019UL)));

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        _state += Gamma;
        return Mix(_state);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "Expected a positive bound.");
        ulong range = (ulong)maxExclusive;
        // Lemire: a 32-bit draw x maps to (x·range) >> 32; rejecting the few low words below
        // 2^32 mod range makes every result equally likely.
        ulong threshold = (0x1_0000_0000UL - range) % range;
        while (true)
        {
            ulong m = (NextUInt64() >> 32) * range;
            if ((m & 0xFFFFFFFFUL) >= threshold)
                return (int)(m >> 32);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
