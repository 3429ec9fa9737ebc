using Diml.Kernels;
namespace Diml.Experiments.Performance;

/// <summary>One measured case of <c>diml bench</c>: the median seconds and the allocated bytes of one unit of work.</summary>
/// <param name="Case">The case's name, e.g. <c>E1</c> or <c>E7 n=300 A=40 simulation</c>.</param>
/// <param name="SecondsPerEpoch">Median wall-clock seconds of one epoch (or one simulation).</param>
/// <param name="BytesPerEpoch">Bytes allocated per epoch in steady state, over all threads.</param>
/// <param name="Threads">Threads the work ran on.</param>
/// <param name="ReferenceSeconds">The reference implementation's time for the same work on this kind of machine, when known (DESIGN §1).</param>
public sealed record BenchmarkCase(string Case, double SecondsPerEpoch, long BytesPerEpoch, int Threads, double? ReferenceSeconds)
{
    /// <summary>
    /// The useful work of one epoch in GFLOP (<see cref="UsefulWork"/>, the mean over the measured epochs), when it is
    /// counted for this case.
    /// </summary>
    public double? GflopPerEpoch { get; init; }

    /// <summary>The fp32 FMA peak of this machine on <see cref="Threads"/> threads, measured in the same run (<see cref="FmaPeak"/>).</summary>
    public double PeakGflops { get; init; } = double.NaN;

    /// <summary>The useful work per second: <see cref="GflopPerEpoch"/> / <see cref="SecondsPerEpoch"/>.</summary>
    public double? Gflops => GflopPerEpoch / SecondsPerEpoch;

    /// <summary><see cref="Gflops"/> as a fraction of <see cref="PeakGflops"/>: comparable across machines.</summary>
    public double? PeakFraction => Gflops / PeakGflops;
}
