using System.Globalization;
using Diml.Data;

namespace Diml.Fitting;

/// <summary>A short string identifying a data set, stored in model files to tie a model to its training data.</summary>
public static class DataFingerprint
{
    /// <summary>
    /// <c>E×T×n×A:fnv1a64-hex</c>: the dimensions and the 64-bit FNV-1a hash of every action in
    /// <c>[e, t, i]</c> order. Equal data give equal fingerprints on every machine.
    /// </summary>
    public static string Of(Trajectories data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ulong hash = 0xCBF29CE484222325UL;
        for (int e = 0; e < data.Episodes; e++)
            for (int t = 0; t < data.Steps; t++)
                foreach (int action in data.Step(e, t))
                {
                    // Hash all four bytes so actions ≥ 256 are told apart.
                    for (int shift = 0; shift < 32; shift += 8)
                    {
                        hash ^= (byte)(action >> shift);
                        hash *= 0x100000001B3UL;
                    }
                }
        return string.Create(CultureInfo.InvariantCulture,
            $"{data.Episodes}x{data.Steps}x{data.Shape.Agents}x{data.Shape.Actions}:fnv1a64-{hash:x16}");
    }
}
