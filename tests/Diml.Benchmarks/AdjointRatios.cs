using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Diml.Benchmarks;

/// <summary>
/// Each kernel's adjoint over its forward, timed in the calling thread's CPU time rather than wall-clock time:
/// <c>dotnet run -c Release --project tests/Diml.Benchmarks -- adjoint-ratios</c>. On a machine shared with other work
/// (the helpers' two cores often run twenty processes) a wall-clock benchmark counts the time the thread waited for a
/// core, which swings a short job's ratios by ±50%; the thread's CPU time does not (what the other processes still
/// change is the caches' contents). Each figure is the median of 15 trials over the workloads of
/// <see cref="KernelBenchmarks"/>. Linux only (elsewhere it falls back to wall-clock time and says so).
/// </summary>
public static class AdjointRatios
{
    private const int Trials = 15;

    public static void Run()
    {
        var kernels = new KernelBenchmarks();
        kernels.Setup();
        Console.WriteLine(Cpu() is double.NaN ? "clock: wall (no thread CPU clock here)" : "clock: thread CPU time");
        Pair("NeuralJoint (3 × 6, hidden 128)", kernels.NeuralJointForward, kernels.NeuralJointAdjoint, 20_000);
        Pair("Congestion", () => kernels.CongestionForward(), kernels.CongestionAdjoint, 2_000_000);
        Pair("AnonymousCount (A = 40, hidden 256)", () => kernels.AnonymousCountForward(), kernels.AnonymousCountAdjoint, 5_000);
        Pair("AnonymousCount batch of 128", kernels.AnonymousCountBatchForward, kernels.AnonymousCountBatchAdjoint, 100);
    }

    private static void Pair(string name, Action forward, Action adjoint, int repetitions)
    {
        double f = Median(forward, repetitions), a = Median(adjoint, repetitions);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-38} forward {f,12:F1} ns   adjoint {a,12:F1} ns   ratio {a / f:F2}"));
    }

    /// <summary>Nanoseconds per call: the median over <see cref="Trials"/> trials of <paramref name="repetitions"/> calls, after a warm-up.</summary>
    private static double Median(Action action, int repetitions)
    {
        for (int i = 0; i < repetitions / 2 + 1; i++) action();
        var trials = new double[Trials];
        for (int t = 0; t < Trials; t++)
        {
            double start = Now();
            for (int i = 0; i < repetitions; i++) action();
            trials[t] = (Now() - start) * 1e9 / repetitions;
        }
        Array.Sort(trials);
        return trials[Trials / 2];
    }

    private static double Now() => Cpu() is var cpu && !double.IsNaN(cpu) ? cpu : Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    private static double Cpu()
    {
        if (!OperatingSystem.IsLinux()) return double.NaN;
        return ClockGetTime(ClockThreadCpuTime, out var time) == 0 ? time.Seconds + time.Nanoseconds * 1e-9 : double.NaN;
    }

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
