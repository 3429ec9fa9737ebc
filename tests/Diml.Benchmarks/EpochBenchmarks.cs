using BenchmarkDotNet.Attributes;
using Diml.Data;
using Diml.Experiments.Performance;
using Diml.Fitting;

namespace Diml.Benchmarks;

/// <summary>One training epoch of the paper's configurations (DESIGN §3), on both cores.</summary>
[MemoryDiagnoser]
public class EpochBenchmarks
{
    private EpochWorkload _e1 = null!, _e1Validated = null!, _e7Small = null!, _e7Large = null!;

    [GlobalSetup]
    public void Setup()
    {
        _e1 = EpochWorkload.E1(threads: Environment.ProcessorCount);
        _e1Validated = EpochWorkload.E1Validated(threads: Environment.ProcessorCount);
        _e7Small = EpochWorkload.E7(40, 10, 24, 30, Environment.ProcessorCount);
        _e7Large = EpochWorkload.E7(300, 40, 16, 25, Environment.ProcessorCount);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _e1.Dispose();
        _e1Validated.Dispose();
        _e7Small.Dispose();
        _e7Large.Dispose();
    }

    [Benchmark(Description = "E1 epoch (3×6, 48×60, batch 32, window 50)")]
    public EpochReport E1Epoch() => _e1.Session.RunEpoch();

    [Benchmark(Description = "E1 epoch with validation (38 fitted + 10 validation episodes)")]
    public EpochReport E1ValidatedEpoch() => _e1Validated.Session.RunEpoch();

    [Benchmark(Description = "E7 epoch n=40 A=10")]
    public EpochReport E7SmallEpoch() => _e7Small.Session.RunEpoch();

    [Benchmark(Description = "E7 epoch n=300 A=40")]
    public EpochReport E7LargeEpoch() => _e7Large.Session.RunEpoch();

    [Benchmark(Description = "E7 simulation n=300 A=40, 16×25")]
    public Trajectories E7LargeSimulation() => _e7Large.Simulate();
}
