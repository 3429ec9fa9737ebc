using BenchmarkDotNet.Attributes;
using Diml.Data;

namespace Diml.Benchmarks;

/// <summary>
/// The same large log read from CSV and from Parquet: 10,000,000 rows (100 sessions × 10 periods × 10,000 agents in
/// fixed groups of 5, 21 actions, with a group column as a platform log has it) — ten million rows, the size docs/distributed.md reports.
/// </summary>
[MemoryDiagnoser]
public class ParquetBenchmarks
{
    private string _folder = null!, _csv = null!, _parquet = null!;

    [GlobalSetup]
    public void Setup()
    {
        const int episodes = 100, steps = 10, agents = 10_000, actions = 21, size = 5;
        var random = new Random(7);
        var played = new int[episodes * steps * agents];
        var groups = new int[played.Length];
        for (int j = 0; j < played.Length; j++)
        {
            played[j] = random.Next(actions);
            groups[j] = (j % agents) / size;
        }
        var data = new Trajectories(new GameShape(agents, actions), episodes, steps, played, groups);
        _folder = Directory.CreateTempSubdirectory("diml-bench-").FullName;
        _csv = Path.Combine(_folder, "log.csv");
        _parquet = Path.Combine(_folder, "log.parquet");
        TrajectoryCsv.Write(_csv, data);
        TrajectoryParquet.Write(_parquet, data);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Baseline = true, Description = "read a 10M-row log from CSV")]
    public Trajectories ReadCsv() => TrajectoryCsv.Read(_csv).Trajectories;

    [Benchmark(Description = "read the same log from Parquet")]
    public Trajectories ReadParquet() => TrajectoryParquet.Read(_parquet).Trajectories;
}
