using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Diml.Kernels;

/// <summary>A measured fp32 FMA peak: GFLOP/s on <see cref="Threads"/> threads at <see cref="VectorBits"/>-bit vectors.</summary>
public sealed record FmaPeakResult(double Gflops, int Threads, int VectorBits);

/// <summary>
/// The calibration kernel of <c>diml bench</c>: the fp32 fused multiply-add peak of this machine, measured in the same run
/// as the cases so that a case's GFLOP/s can be read as a fraction of what the cores can do (docs/performance.md, "The
/// calibration"). Each thread runs a register-only loop of fused multiply-adds on the widest hardware vectors
/// (<see cref="Vector512"/>, else <see cref="Vector256"/>, else <see cref="Vector128"/>) over
/// <see cref="Accumulators"/> independent accumulators, enough to hide the FMA latency on two pipes
/// (latency 4 × 2 pipes = 8 in flight on Zen 4 and recent Intel cores); no memory traffic. 2 FLOP per lane per FMA.
/// Each thread's rate is taken over its own CPU time (on Linux), so another process sharing the cores does not lower the
/// figure; the threads still run at the same time, so what the cores share (SMT siblings, the all-core clock) does. The
/// best of several trials is the peak.
/// </summary>
public static class FmaPeak
{
    /// <summary>Independent accumulator registers per thread.</summary>
    public const int Accumulators = 12;

    /// <summary>The vector width the kernel runs at on this machine, in bits.</summary>
    public static int VectorBits =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 32;

    /// <summary>Measures the peak on <paramref name="threads"/> threads at once: the best of <paramref name="trials"/> trials of about <paramref name="trialSeconds"/> each.</summary>
    public static FmaPeakResult Measure(int threads, int trials = 5, double trialSeconds = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        if (!(trialSeconds > 0)) throw new ArgumentOutOfRangeException(nameof(trialSeconds), trialSeconds, "a positive duration");
        int bits = VectorBits;
        double flopPerIteration = 2.0 * Accumulators * (bits / 32);
        // Size the trials from a short probe on one thread, so that each trial lasts about trialSeconds.
        long probe = 1 << 16;
        double probeRate = RunTrial(1, probe);
        while (probe / probeRate < 0.01) { probe *= 4; probeRate = RunTrial(1, probe); }
        long iterations = Math.Max(1, (long)(probeRate * trialSeconds));
        double best = 0;
        for (int t = 0; t < trials; t++)
            best = Math.Max(best, flopPerIteration * RunTrial(threads, iterations) / 1e9);
        return new FmaPeakResult(best, threads, bits);
    }

    /// <summary>
    /// <paramref name="threads"/> threads, released together, run <paramref name="iterations"/> each; returns the sum over
    /// the threads of iterations per second of the thread's own CPU time (of wall-clock time where the platform gives no
    /// thread CPU time), so that time the scheduler gives to other processes does not count against the cores.
    /// </summary>
    private static double RunTrial(int threads, long iterations)
    {
        using var start = new ManualResetEventSlim();
        var rates = new double[threads];
        var workers = new Thread[threads];
        for (int w = 0; w < threads; w++)
        {
            int worker = w;
            workers[w] = new Thread(() =>
            {
                start.Wait();
                long wall = Stopwatch.GetTimestamp();
                double cpu = ThreadCpuSeconds();
                Sink(Kernel(iterations));
                double seconds = double.IsNaN(cpu) ? Stopwatch.GetElapsedTime(wall).TotalSeconds : ThreadCpuSeconds() - cpu;
                rates[worker] = iterations / seconds;
            }) { IsBackground = true };
            workers[w].Start();
        }
        Thread.Sleep(1); // let the threads reach the gate
        start.Set();
        foreach (var worker in workers) worker.Join();
        return rates.Sum();
    }

    /// <summary>The calling thread's CPU time in seconds (Linux), or NaN where it is not available.</summary>
    private static double ThreadCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return double.NaN;
        return ClockGetTime(ClockThreadCpuTime, out var time) == 0 ? time.Seconds + (time.Nanoseconds * 1e-9) : double.NaN;
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

    private static float _sink;

    /// <summary>Keeps the kernel's result observable, so the JIT cannot drop the loop.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Sink(float value) => Volatile.Write(ref _sink, value);

    private static float Kernel(long iterations) =>
        Vector512.IsHardwareAccelerated ? Kernel<Vector512<float>, Vector512Tier>(iterations)
        : Vector256.IsHardwareAccelerated ? Kernel<Vector256<float>, Vector256Tier>(iterations)
        : Vector128.IsHardwareAccelerated ? Kernel<Vector128<float>, Vector128Tier>(iterations)
        : Kernel<float, ScalarTier>(iterations);

    // x ← x·m + c with m < 1 converges to c / (1 − m): the values stay finite and normal however long the loop runs.
    private const float Multiplier = 0.999f, Addend = 0.001f;

    /// <summary>The loop at one vector width: <see cref="Accumulators"/> independent multiply-add chains, in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Kernel<TVector, TTier>(long iterations)
        where TVector : struct
        where TTier : struct, IVectorTier<TVector>
    {
        var m = TTier.Broadcast(Multiplier);
        var c = TTier.Broadcast(Addend);
        TVector a0 = TTier.Broadcast(0.10f), a1 = TTier.Broadcast(0.11f), a2 = TTier.Broadcast(0.12f), a3 = TTier.Broadcast(0.13f),
            a4 = TTier.Broadcast(0.14f), a5 = TTier.Broadcast(0.15f), a6 = TTier.Broadcast(0.16f), a7 = TTier.Broadcast(0.17f),
            a8 = TTier.Broadcast(0.18f), a9 = TTier.Broadcast(0.19f), a10 = TTier.Broadcast(0.20f), a11 = TTier.Broadcast(0.21f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = TTier.MultiplyAdd(a0, m, c); a1 = TTier.MultiplyAdd(a1, m, c); a2 = TTier.MultiplyAdd(a2, m, c);
            a3 = TTier.MultiplyAdd(a3, m, c); a4 = TTier.MultiplyAdd(a4, m, c); a5 = TTier.MultiplyAdd(a5, m, c);
            a6 = TTier.MultiplyAdd(a6, m, c); a7 = TTier.MultiplyAdd(a7, m, c); a8 = TTier.MultiplyAdd(a8, m, c);
            a9 = TTier.MultiplyAdd(a9, m, c); a10 = TTier.MultiplyAdd(a10, m, c); a11 = TTier.MultiplyAdd(a11, m, c);
        }
        // Every accumulator feeds the result (x·1 + y adds), so none of the chains can be dropped.
        var one = TTier.Broadcast(1f);
        var sum = TTier.MultiplyAdd(a0, one, TTier.MultiplyAdd(a1, one, TTier.MultiplyAdd(a2, one, TTier.MultiplyAdd(a3, one,
            TTier.MultiplyAdd(a4, one, TTier.MultiplyAdd(a5, one, TTier.MultiplyAdd(a6, one, TTier.MultiplyAdd(a7, one,
            TTier.MultiplyAdd(a8, one, TTier.MultiplyAdd(a9, one, TTier.MultiplyAdd(a10, one, a11)))))))))));
        Span<float> lanes = stackalloc float[TTier.Lanes];
        TTier.Store(sum, ref MemoryMarshal.GetReference(lanes), 0);
        float total = 0;
        foreach (var lane in lanes) total += lane;
        return total;
    }
}
