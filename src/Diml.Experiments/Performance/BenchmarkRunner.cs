using Diml.Kernels;
using System.Diagnostics;
using Diml.Fitting;

namespace Diml.Experiments.Performance;

/// <summary>The result of <c>diml bench</c>: the machine's calibration and the measured cases.</summary>
/// <param name="OneCorePeak">The fp32 FMA peak on one thread.</param>
/// <param name="Peak">The fp32 FMA peak on the cases' thread count.</param>
/// <param name="Cases">The measured cases, each with its useful work and the peak fraction it reaches.</param>
public sealed record BenchmarkReport(FmaPeakResult OneCorePeak, FmaPeakResult Peak, IReadOnlyList<BenchmarkCase> Cases);

/// <summary>
/// The measurements of <c>diml bench</c>: the FMA peak of the machine (<see cref="FmaPeak"/>), then each case's work
/// timed in-process after warm-up, the median of several repetitions, with the bytes allocated in steady state and the
/// useful work counted from the epochs' distinct queries (<see cref="UsefulWork"/>). The same workloads as the
/// BenchmarkDotNet suite (<see cref="EpochWorkload"/>), so the two agree on what is measured.
/// </summary>
public static class BenchmarkRunner
{
    /// <summary>The reference's times on a 2-core CPU (DESIGN §1, "Reference speed").</summary>
    private const double ReferenceE1Epoch = 0.84, ReferenceE7SmallEpoch = 16, ReferenceE7LargeEpoch = 566, ReferenceE7LargeSimulation = 261;

    /// <summary>Runs the calibration and every case with <paramref name="repetitions"/> measured repetitions after a warm-up of at least a second.</summary>
    public static BenchmarkReport Run(int threads, int repetitions, Action<string>? progress = null)
    {
        progress?.Invoke("the FMA peak (calibration)");
        var one = FmaPeak.Measure(1);
        var peak = threads == 1 ? one : FmaPeak.Measure(threads);
        progress?.Invoke(FormattableString.Invariant($"E1 epoch (the FMA peak is {one.Gflops:F1} GFLOP/s on one thread, {peak.Gflops:F1} on {threads}, {peak.VectorBits}-bit vectors)"));
        var cases = new List<BenchmarkCase>();
        using (var e1 = EpochWorkload.E1(threads))
            cases.Add(MeasureEpoch("E1 epoch", e1, repetitions, ReferenceE1Epoch, peak));
        progress?.Invoke("E7 n=40 A=10 epoch");
        using (var small = EpochWorkload.E7(40, 10, 24, 30, threads))
            cases.Add(MeasureEpoch("E7 n=40 A=10 epoch", small, repetitions, ReferenceE7SmallEpoch, peak));
        progress?.Invoke("E7 n=300 A=40 epoch and simulation");
        using (var large = EpochWorkload.E7(300, 40, 16, 25, threads))
        {
            cases.Add(MeasureEpoch("E7 n=300 A=40 epoch", large, repetitions, ReferenceE7LargeEpoch, peak));
            // The simulation's work is the learner's, not counted as FLOP here.
            var (seconds, bytes) = Measure(() => { large.Simulate(); }, repetitions);
            cases.Add(new BenchmarkCase("E7 n=300 A=40 simulation (16 x 25)", seconds, bytes, threads, ReferenceE7LargeSimulation) { PeakGflops = peak.Gflops });
        }
        return new BenchmarkReport(one, peak, cases);
    }

    /// <summary>
    /// The useful work of the epoch <paramref name="session"/> last ran, in GFLOP, for <paramref name="work"/> (null when
    /// the mechanism's count is not known).
    /// </summary>
    public static double? EpochGflop(FitSession session, UsefulWork? work) =>
        work?.Flop(session.LastEpochDistinctQueries, session.LastEpochEvaluations) / 1e9;

    private static BenchmarkCase MeasureEpoch(string name, EpochWorkload workload, int repetitions, double reference, FmaPeakResult peak)
    {
        var work = UsefulWork.For(workload.Truth);
        var session = workload.Session;
        double gflop = 0;
        var (seconds, bytes) = Measure(() => { session.RunEpoch(); }, repetitions, () => gflop += EpochGflop(session, work) ?? double.NaN);
        return new BenchmarkCase(name, seconds, bytes, workload.Options.Threads, reference)
        {
            GflopPerEpoch = work is null ? null : gflop / repetitions,
            PeakGflops = peak.Gflops,
        };
    }

    private static (double Seconds, long Bytes) Measure(Action work, int repetitions, Action? afterEach = null)
    {
        // Warm up until the JIT has settled (tiered compilation re-compiles hot methods after a few calls):
        // at least two repetitions and at least a second.
        long warmUp = Stopwatch.GetTimestamp();
        for (int i = 0; i < 2 || Stopwatch.GetElapsedTime(warmUp).TotalSeconds < 1; i++) work();
        var seconds = new double[repetitions];
        long allocated = 0;
        for (int i = 0; i < repetitions; i++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            long start = Stopwatch.GetTimestamp();
            work();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            allocated += GC.GetTotalAllocatedBytes(precise: true) - before;
            afterEach?.Invoke();
        }
        Array.Sort(seconds);
        return (seconds[repetitions / 2], allocated / repetitions);
    }
}
