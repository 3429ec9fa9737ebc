using BenchmarkDotNet.Attributes;
using Diml.Data;

namespace Diml.Benchmarks;

/// <summary>
/// Reading the long trajectory CSV of the largest paper experiment (E7: 16 episodes × 25 steps × 300 agents = 120,000
/// rows, 40 actions). This replaces a unit test that asserted the read took under a second.
/// </summary>
[MemoryDiagnoser]
public class CsvBenchmarks
{
    private string _folder = null!, _path = null!;

    [GlobalSetup]
    public void Setup()
    {
        const int episodes = 16, steps = 25, agents = 300, actions = 40;
        var random = new Random(7);
        var data = new int[episodes * steps * agents];
        for (int j = 0; j < data.Length; j++) data[j] = random.Next(actions);
        _folder = Directory.CreateTempSubdirectory("diml-bench-").FullName;
        _path = Path.Combine(_folder, "e7.csv");
        TrajectoryCsv.Write(_path, new Trajectories(new GameShape(agents, actions), episodes, steps, data));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Description = "read E7-sized CSV (120,000 rows)")]
    public Trajectories ReadE7() => TrajectoryCsv.Read(_path).Trajectories;
}
