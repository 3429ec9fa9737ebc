namespace Diml.Experiments.Performance;

/// <summary>One measured case of <c>diml bench</c>: the median seconds and the allocated bytes of one unit of work.</summary>
/// <param name="Case">The case's name, e.g. <c>E1</c> or <c>E7 n=300 A=40 simulation</c>.</param>
/// <param name="SecondsPerEpoch">Median wall-clock seconds of one epoch (or one simulation).</param>
/// <param name="BytesPerEpoch">Bytes allocated per epoch in steady state, over all threads.</param>
/// <param name="Threads">Threads the work ran on.</param>
/// <param name="ReferenceSeconds">The reference implementation's time for the same work on this kind of machine, when known (DESIGN §1).</param>
public sealed record BenchmarkCase(string Case, double SecondsPerEpoch, long BytesPerEpoch, int Threads, double? ReferenceSeconds);
