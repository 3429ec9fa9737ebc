using System.Diagnostics;

namespace Diml.Experiments.Performance;

/// <summary>
/// The measurements of <c>diml bench</c>: each case's work timed in-process after warm-up, the median of several
/// repetitions, with the bytes allocated in steady state. The same workloads as the BenchmarkDotNet suite
/// (<see cref="EpochWorkload"/>), so the two agree on what is measured.
/// </summary>
public static class BenchmarkRunner
{
    /// <summary>The reference's times on a 2-core CPU (DESIGN §1, "Reference speed").</summary>
    private const double ReferenceE1Epoch = 0.84, ReferenceE7SmallEpoch = 16, ReferenceE7LargeEpoch = 566, ReferenceE7LargeSimulation = 261;

    /// <summary>Runs every case with <paramref name="repetitions"/> measured repetitions after a warm-up of at least a second.</summary>
    public static IReadOnlyList<BenchmarkCase> Run(int threads, int repetitions, Action<string>? progress = null)
    {
        var cases = new List<BenchmarkCase>();
        progress?.Invoke("E1 epoch");
        using (var e1 = EpochWorkload.E1(threads))
            cases.Add(Measure("E1 epoch", () => { e1.Session.RunEpoch(); }, threads, repetitions, ReferenceE1Epoch));
        progress?.Invoke("E7 n=40 A=10 epoch");
        using (var small = EpochWorkload.E7(40, 10, 24, 30, threads))
            cases.Add(Measure("E7 n=40 A=10 epoch", () => { small.Session.RunEpoch(); }, threads, repetitions, ReferenceE7SmallEpoch));
        progress?.Invoke("E7 n=300 A=40 epoch and simulation");
        using (var large = EpochWorkload.E7(300, 40, 16, 25, threads))
        {
            cases.Add(Measure("E7 n=300 A=40 epoch", () => { large.Session.RunEpoch(); }, threads, repetitions, ReferenceE7LargeEpoch));
            cases.Add(Measure("E7 n=300 A=40 simulation (16 x 25)", () => { large.Simulate(); }, threads, repetitions, ReferenceE7LargeSimulation));
        }
        return cases;
    }

    private static BenchmarkCase Measure(string name, Action work, int threads, int repetitions, double? reference)
    {
        // Warm up until the JIT has settled (tiered compilation re-compiles hot methods after a few calls):
        // at least two repetitions and at least a second.
        long warmUp = Stopwatch.GetTimestamp();
        for (int i = 0; i < 2 || Stopwatch.GetElapsedTime(warmUp).TotalSeconds < 1; i++) work();
        var seconds = new double[repetitions];
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < repetitions; i++)
        {
            long start = Stopwatch.GetTimestamp();
            work();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Array.Sort(seconds);
        return new BenchmarkCase(name, seconds[repetitions / 2], allocated / repetitions, threads, reference);
    }
}
