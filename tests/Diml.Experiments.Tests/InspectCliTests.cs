using Diml.Data;
using Diml.Evaluation.Inspection;
using Diml.Fitting;
using Diml.Mechanisms;

namespace Diml.Experiments.Tests;

/// <summary><c>diml inspect</c>: the library's payoff-difference table as CSV, plots and a terminal table; files checked first.</summary>
public sealed class InspectCliTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly string _data, _truth;

    public InspectCliTests()
    {
        _data = _cli.PathOf("data.csv");
        _truth = _cli.PathOf("truth.json");
        // One short episode: 3 agents x 3 actions has C(4, 2) = 6 group-mate contexts, and one step cannot visit them all.
        var simulate = _cli.Run("simulate", "--mechanism", "anonymous-count", "--agents", "3", "--actions", "3", "--hidden", "4",
            "--episodes", "1", "--horizon", "3", "--seed", "2", "--out", _data, "--truth", _truth);
        Assert.True(simulate.ExitCode == 0, simulate.Error);
    }

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Inspect_WritesTheLibraryTableAsCsv_PlotsItAndMarksUnvisitedContexts()
    {
        string folder = _cli.PathOf("inspect");
        var run = _cli.Run("inspect", "--model", _truth, "--data", _data, "--out", folder);
        Assert.True(run.ExitCode == 0, run.Error);

        var data = TrajectoryCsv.Read(_data).Trajectories;
        var (_, mechanism) = MechanismCatalog.Rebuild(ModelFile.Read(_truth), _truth, data.Shape);
        var table = PayoffDifferences.Compute(MechanismPayoffs.AtCurrentParameters(mechanism, data.Shape), mechanism.Form, data);
        var expected = new StringWriter { NewLine = "\n" };
        table.WriteCsv(expected);
        Assert.Equal(expected.ToString(), File.ReadAllText(Path.Combine(folder, "payoff-differences.csv")));
        Assert.Equal(6, table.Contexts.Count);
        Assert.InRange(table.UnvisitedListed, 1, 5);

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(folder, "payoff-differences.png")).Take(4));
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(folder, "payoff-differences.svg")));
        Assert.Equal(["payoff-differences.csv", "payoff-differences.png", "payoff-differences.svg"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());

        Assert.Contains("0 (unvisited)", run.Output);
        Assert.Contains($"every one of the 6 contexts listed, {table.UnvisitedListed} never visited (marked)", run.Output);
        Assert.Equal(table.UnvisitedListed, run.Output.Split('\n').Count(l => l.Contains("0 (unvisited)")));
    }

    [Fact]
    public void Inspect_WithoutOut_PrintsTheTableAndWritesNothing()
    {
        var before = _cli.Files();
        var run = _cli.Run("inspect", "--model", _truth, "--data", _data);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("own 1 - own 0", run.Output);
        Assert.Contains("own 2 - own 0", run.Output);
        Assert.Equal(before, _cli.Files());
    }

    [Fact]
    public void Inspect_RefusesAnOutFolderThatIsAFile()
    {
        string file = _cli.PathOf("taken");
        File.WriteAllText(file, "keep");
        var run = _cli.Run("inspect", "--model", _truth, "--data", _data, "--out", file);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"--out: expected a folder, found a file '{file}'", run.Error);
        Assert.Equal("keep", File.ReadAllText(file));
    }

    [Fact]
    public void Inspect_NeverOverwritesItsInput_EvenWhenItHasAnOutputName()
    {
        string folder = _cli.PathOf("in");
        Directory.CreateDirectory(folder);
        string data = Path.Combine(folder, "payoff-differences.csv");
        File.Copy(_data, data);
        string content = File.ReadAllText(data);
        var run = _cli.Run("inspect", "--model", _truth, "--data", data, "--out", folder);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--out and --data name the same file", run.Error);
        Assert.Equal(content, File.ReadAllText(data));
        Assert.Equal(["payoff-differences.csv"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void Inspect_OnDataOfAnotherNumberOfActions_FailsNamingTheFileAndTheAction()
    {
        string other = _cli.PathOf("wide.csv");
        File.WriteAllText(other, "episode,t,agent,action\n0,0,0,0\n0,0,1,4\n0,0,2,1\n");
        var run = _cli.Run("inspect", "--model", _truth, "--data", other);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{other}: expected actions in 0..2 (3 actions), found action 4.", run.Error);
    }
}
