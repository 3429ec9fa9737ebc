using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Diml.Experiments.Performance;

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
        Vector512.IsHardwareAccelerated ? Kernel512(iterations)
        : Vector256.IsHardwareAccelerated ? Kernel256(iterations)
        : Vector128.IsHardwareAccelerated ? Kernel128(iterations) : KernelScalar(iterations);

    // x ← x·m + c with m < 1 converges to c / (1 − m): the values stay finite and normal however long the loop runs.
    private const float Multiplier = 0.999f, Addend = 0.001f;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Kernel512(long iterations)
    {
        var m = Vector512.Create(Multiplier);
        var c = Vector512.Create(Addend);
        Vector512<float> a0 = Vector512.Create(0.10f), a1 = Vector512.Create(0.11f), a2 = Vector512.Create(0.12f), a3 = Vector512.Create(0.13f),
            a4 = Vector512.Create(0.14f), a5 = Vector512.Create(0.15f), a6 = Vector512.Create(0.16f), a7 = Vector512.Create(0.17f),
            a8 = Vector512.Create(0.18f), a9 = Vector512.Create(0.19f), a10 = Vector512.Create(0.20f), a11 = Vector512.Create(0.21f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c); a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c); a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c); a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c); a10 = Vector512.FusedMultiplyAdd(a10, m, c); a11 = Vector512.FusedMultiplyAdd(a11, m, c);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Kernel256(long iterations)
    {
        var m = Vector256.Create(Multiplier);
        var c = Vector256.Create(Addend);
        Vector256<float> a0 = Vector256.Create(0.10f), a1 = Vector256.Create(0.11f), a2 = Vector256.Create(0.12f), a3 = Vector256.Create(0.13f),
            a4 = Vector256.Create(0.14f), a5 = Vector256.Create(0.15f), a6 = Vector256.Create(0.16f), a7 = Vector256.Create(0.17f),
            a8 = Vector256.Create(0.18f), a9 = Vector256.Create(0.19f), a10 = Vector256.Create(0.20f), a11 = Vector256.Create(0.21f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c); a2 = Vector256.FusedMultiplyAdd(a2, m, c);
            a3 = Vector256.FusedMultiplyAdd(a3, m, c); a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c); a8 = Vector256.FusedMultiplyAdd(a8, m, c);
            a9 = Vector256.FusedMultiplyAdd(a9, m, c); a10 = Vector256.FusedMultiplyAdd(a10, m, c); a11 = Vector256.FusedMultiplyAdd(a11, m, c);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Kernel128(long iterations)
    {
        var m = Vector128.Create(Multiplier);
        var c = Vector128.Create(Addend);
        Vector128<float> a0 = Vector128.Create(0.10f), a1 = Vector128.Create(0.11f), a2 = Vector128.Create(0.12f), a3 = Vector128.Create(0.13f),
            a4 = Vector128.Create(0.14f), a5 = Vector128.Create(0.15f), a6 = Vector128.Create(0.16f), a7 = Vector128.Create(0.17f),
            a8 = Vector128.Create(0.18f), a9 = Vector128.Create(0.19f), a10 = Vector128.Create(0.20f), a11 = Vector128.Create(0.21f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Vector128.FusedMultiplyAdd(a0, m, c); a1 = Vector128.FusedMultiplyAdd(a1, m, c); a2 = Vector128.FusedMultiplyAdd(a2, m, c);
            a3 = Vector128.FusedMultiplyAdd(a3, m, c); a4 = Vector128.FusedMultiplyAdd(a4, m, c); a5 = Vector128.FusedMultiplyAdd(a5, m, c);
            a6 = Vector128.FusedMultiplyAdd(a6, m, c); a7 = Vector128.FusedMultiplyAdd(a7, m, c); a8 = Vector128.FusedMultiplyAdd(a8, m, c);
            a9 = Vector128.FusedMultiplyAdd(a9, m, c); a10 = Vector128.FusedMultiplyAdd(a10, m, c); a11 = Vector128.FusedMultiplyAdd(a11, m, c);
        }
        return Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float KernelScalar(long iterations)
    {
        float a0 = 0.10f, a1 = 0.11f, a2 = 0.12f, a3 = 0.13f, a4 = 0.14f, a5 = 0.15f, a6 = 0.16f, a7 = 0.17f, a8 = 0.18f, a9 = 0.19f, a10 = 0.20f, a11 = 0.21f;
        for (long i = 0; i < iterations; i++)
        {
            a0 = MathF.FusedMultiplyAdd(a0, Multiplier, Addend); a1 = MathF.FusedMultiplyAdd(a1, Multiplier, Addend); a2 = MathF.FusedMultiplyAdd(a2, Multiplier, Addend);
            a3 = MathF.FusedMultiplyAdd(a3, Multiplier, Addend); a4 = MathF.FusedMultiplyAdd(a4, Multiplier, Addend); a5 = MathF.FusedMultiplyAdd(a5, Multiplier, Addend);
            a6 = MathF.FusedMultiplyAdd(a6, Multiplier, Addend); a7 = MathF.FusedMultiplyAdd(a7, Multiplier, Addend); a8 = MathF.FusedMultiplyAdd(a8, Multiplier, Addend);
            a9 = MathF.FusedMultiplyAdd(a9, Multiplier, Addend); a10 = MathF.FusedMultiplyAdd(a10, Multiplier, Addend); a11 = MathF.FusedMultiplyAdd(a11, Multiplier, Addend);
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
    }
}
