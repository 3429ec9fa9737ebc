using Diml.Evaluation.Inference;

namespace Diml.Evaluation.Tests.Inference;

public sealed class BootstrapTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("diml-bootstrap-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static LogisticPanel Panel() => new(episodes: 60, rows: 12, truth: [0.2, -0.8, 0.5], seed: 21);

    [Fact]
    public void Bootstrap_IsBitIdentical_OnOneAndThreeThreads()
    {
        var panel = Panel();
        var estimate = MaximumLikelihood.Polish(panel, [0, 0, 0]).Estimate;
        var one = SessionBootstrap.Run(() => Panel(), estimate, new BootstrapOptions { Replications = 24, Seed = 5, Threads = 1 });
        var three = SessionBootstrap.Run(() => Panel(), estimate, new BootstrapOptions { Replications = 24, Seed = 5, Threads = 3 });
        for (int b = 0; b < 24; b++)
            Assert.Equal(one.Replicates[b].Select(BitConverter.DoubleToInt64Bits), three.Replicates[b].Select(BitConverter.DoubleToInt64Bits));
        Assert.All(one.Converged, Assert.True);
        Assert.NotEqual(one.Replicates[0], one.Replicates[1]);
        var other = SessionBootstrap.Run(() => Panel(), estimate, new BootstrapOptions { Replications = 2, Seed = 6 });
        Assert.NotEqual(one.Replicates[0], other.Replicates[0]);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    public void Bootstrap_SharedBetweenProcesses_IsBitIdenticalToOneProcess_AndOnlyProcessZeroWritesTheResumeFile(int processes, int threads)
    {
        var estimate = MaximumLikelihood.Polish(Panel(), [0, 0, 0]).Estimate;
        var alone = SessionBootstrap.Run(() => Panel(), estimate, new BootstrapOptions { Replications = 11, Seed = 5 });
        string path = Path.Combine(_folder, "shared.csv");
        var groups = Diml.Tests.ThreadProcessGroup.Create(processes);
        var results = new BootstrapResult[processes];
        var progress = new List<int>();
        var workers = groups.Select((group, r) => new Thread(() => results[r] = SessionBootstrap.Run(() => Panel(), estimate,
            new BootstrapOptions { Replications = 11, Seed = 5, Threads = threads, Processes = group, ResumePath = path },
            r == 0 ? new SynchronousProgress(progress) : null))).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers) worker.Join();
        foreach (var result in results)
            for (int b = 0; b < 11; b++)
                Assert.Equal(alone.Replicates[b].Select(BitConverter.DoubleToInt64Bits), result.Replicates[b].Select(BitConverter.DoubleToInt64Bits));
        // One exchange per round of processes × threads replications, and process 0 wrote each replication once.
        Assert.Equal((11 + processes * threads - 1) / (processes * threads), groups[0].Exchanges);
        Assert.Equal(11, File.ReadLines(path).Count(line => !line.StartsWith('#')));
        Assert.Equal(11, progress[^1]);
        // The file resumes a single process to the same result.
        var resumed = SessionBootstrap.Run(() => Panel(), estimate, new BootstrapOptions { Replications = 11, Seed = 5, ResumePath = path });
        Assert.Equal(11, resumed.Resumed);
        for (int b = 0; b < 11; b++) Assert.Equal(alone.Replicates[b], resumed.Replicates[b]);
    }

    private sealed class SynchronousProgress(List<int> reports) : IProgress<int>
    {
        public void Report(int value) => reports.Add(value);
    }

    [Fact]
    public void Bootstrap_Resumes_FromItsFile_ToTheSameResult()
    {
        var estimate = MaximumLikelihood.Polish(Panel(), [0, 0, 0]).Estimate;
        string path = Path.Combine(_folder, "replications.csv");
        var fresh = SessionBootstrap.Run(() => Panel(), estimate, new BootstrapOptions { Replications = 10, Seed = 3 });
        var first = SessionBootstrap.Run(() => Panel(), estimate, new BootstrapOptions { Replications = 6, Seed = 3, ResumePath = path });
        Assert.Equal(0, first.Resumed);
        // A stop mid-write leaves a torn line: it is ignored and refitted.
        File.AppendAllText(path, "7,1,0.12");
        var resumed = SessionBootstrap.Run(() => Panel(), estimate, new BootstrapOptions { Replications = 10, Seed = 3, ResumePath = path });
        Assert.Equal(6, resumed.Resumed);
        for (int b = 0; b < 10; b++) Assert.Equal(fresh.Replicates[b], resumed.Replicates[b]);
        var again = SessionBootstrap.Run(() => Panel(), estimate, new BootstrapOptions { Replications = 10, Seed = 3, ResumePath = path });
        Assert.Equal(10, again.Resumed);
        var wrongSeed = Assert.Throws<InvalidDataException>(() => SessionBootstrap.Run(() => Panel(), estimate, new BootstrapOptions { Replications = 12, Seed = 4, ResumePath = path }));
        Assert.Contains("seed 4", wrongSeed.Message);
    }

    [Fact]
    public void Bootstrap_Spread_MatchesTheSandwich_WithinTwentyPercent()
    {
        var panel = Panel();
        var estimate = MaximumLikelihood.Polish(panel, [0, 0, 0]).Estimate;
        var sandwich = StandardErrors.Compute(panel, estimate);
        var bootstrap = SessionBootstrap.Run(() => Panel(), estimate, new BootstrapOptions { Replications = 300, Seed = 1, Threads = 2 });
        for (int j = 0; j < 3; j++)
        {
            int k = j;
            double spread = bootstrap.StandardError(theta => theta[k]);
            Assert.InRange(spread / sandwich.StandardErrors[j], 0.8, 1.2);
            var (low, high) = bootstrap.PercentileInterval(theta => theta[k]);
            Assert.True(low < estimate[j] && estimate[j] < high);
        }
    }

    [Fact]
    public void PercentileInterval_IsTheType7Quantiles()
    {
        Assert.Equal(2.5, BootstrapResult.Quantile([1, 2, 3, 4], 0.5));
        Assert.Equal(1.075, BootstrapResult.Quantile([1, 2, 3, 4], 0.025), 12);
        Assert.Equal(3.925, BootstrapResult.Quantile([1, 2, 3, 4], 0.975), 12);
    }

    [Fact]
    public void Resample_DrawsEpisodesWithReplacement_FromTheSeed()
    {
        var a = SessionBootstrap.Resample(50, 9, 0);
        Assert.Equal(50, a.Length);
        Assert.All(a, e => Assert.InRange(e, 0, 49));
        Assert.True(a.Distinct().Count() < 50);
        Assert.Equal(a, SessionBootstrap.Resample(50, 9, 0));
        Assert.NotEqual(a, SessionBootstrap.Resample(50, 9, 1));
    }

    [Fact]
    public void Restricted_FixesParameters_AndPassesTheFreeGradient()
    {
        var panel = Panel();
        var restricted = new RestrictedLikelihood(panel, [1], [-0.8]);
        Assert.Equal(["b[0]", "b[2]"], restricted.ParameterNames);
        var g = new double[2];
        var full = new double[3];
        double nll = restricted.TotalNll([0.1, 0.4], g);
        Assert.Equal(panel.TotalNll([0.1, -0.8, 0.4], full), nll);
        Assert.Equal([full[0], full[2]], g);
        Assert.Equal([0.1, -0.8, 0.4], restricted.Expand([0.1, 0.4]));
    }
}
