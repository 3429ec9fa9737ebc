using System.Globalization;
using System.Text.Json;
using Diml.Experiments.Commands;

namespace Diml.Experiments.Tests.Safety;

/// <summary>One test per defect of the tool's handling of files and options: nothing destroyed, nothing crashes, every error located.</summary>
public sealed class ToolSafetyTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly string _data;

    public ToolSafetyTests()
    {
        _data = _cli.PathOf("data.csv");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "congestion", "--agents", "2", "--actions", "3", "--episodes", "6", "--horizon", "8",
            "--threads", "1", "--out", _data).ExitCode);
    }

    public void Dispose() => _cli.Dispose();

    private string Model()
    {
        string model = _cli.PathOf("model.json");
        var fit = _cli.Run("fit", "--data", _data, "--mechanism", "congestion", "--epochs", "2", "--batch", "2", "--window", "4", "--threads", "1", "--out", model);
        Assert.True(fit.ExitCode == 0, fit.Error);
        return model;
    }

    private void AssertFailsWritingNothing(int exitCode, string message, params string[] args)
    {
        var before = Snapshot();
        var run = _cli.Run(args);
        Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}: {run.Error}");
        Assert.Contains(message, Assert.Single(run.ErrorLines));
        Assert.Equal(before, Snapshot());
    }

    private string[] Snapshot() => Directory.GetFileSystemEntries(_cli.Folder, "*", SearchOption.AllDirectories)
        .Select(p => p + ":" + (File.Exists(p) ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p))) : "dir"))
        .Order(StringComparer.Ordinal).ToArray();

    // 1. Outputs overwriting inputs and each other.
    [Theory]
    [InlineData("fit --data DATA --mechanism congestion --out DATA", "--out and --data name the same file")]
    [InlineData("fit --data DATA --mechanism congestion --out A --curve A", "--curve and --out name the same file")]
    [InlineData("simulate --mechanism congestion --out A --truth A", "--truth and --out name the same file")]
    [InlineData("counterfactual --model MODEL --out MODEL", "--out and --model name the same file")]
    [InlineData("counterfactual --model MODEL --out A --distribution A", "--distribution and --out name the same file")]
    public void SameFileForTwoArguments_IsRefusedBeforeAnyWork(string commandLine, string message)
    {
        string model = Model();
        var args = commandLine.Split(' ').Select(a => a switch { "DATA" => _data, "MODEL" => model, "A" => _cli.PathOf("a.out"), _ => a }).ToArray();
        AssertFailsWritingNothing(2, message, args);
    }

    [Fact]
    public void SameFileThroughASymbolicLink_IsRefused()
    {
        string link = _cli.PathOf("link.csv");
        File.CreateSymbolicLink(link, _data);
        AssertFailsWritingNothing(2, "--out and --data name the same file", "fit", "--data", link, "--mechanism", "congestion", "--out", _data);
    }

    // 2. Huge action values and game sizes, checked before allocating, with the place of the value.
    [Fact]
    public void HugeActionInData_IsALocatedError()
    {
        string bad = _cli.PathOf("huge.csv");
        File.WriteAllText(bad, "episode,t,agent,action\n0,0,0,1\n0,0,1,999999\n0,1,0,0\n0,1,1,2000000000\n");
        AssertFailsWritingNothing(1, "huge.csv, line 3, column 4 'action': expected an action in 0..255 (games have at most 256 actions), found 999999.",
            "fit", "--data", bad, "--mechanism", "neural-joint", "--out", _cli.PathOf("m.json"));
    }

    [Fact]
    public void HugeActionCount_IsAUsageErrorNamingTheMaximum() =>
        AssertFailsWritingNothing(2, "--actions: expected an integer of at least 2 of at most 256, found '46341', which is too large.",
            "simulate", "--mechanism", "congestion", "--actions", "46341", "--out", _cli.PathOf("o.csv"));

    // 3. The tabular truth is drawn, from --init-seed.
    [Fact]
    public void TabularTruth_IsNonZero_AndFollowsTheInitSeed()
    {
        float[] Truth(string seed)
        {
            string truth = _cli.PathOf($"t{seed}.json");
            Assert.Equal(0, _cli.Run("simulate", "--mechanism", "tabular", "--agents", "2", "--actions", "3", "--episodes", "2", "--horizon", "3",
                "--init-seed", seed, "--out", _cli.PathOf($"t{seed}.csv"), "--truth", truth).ExitCode);
            return Diml.Fitting.ModelFile.Read(truth).Parameters;
        }
        var a = Truth("1");
        var b = Truth("2");
        Assert.Equal(18, a.Length);
        double sd = Math.Sqrt(a.Average(v => (double)v * v));
        Assert.InRange(sd, 0.4, 2.0);
        Assert.NotEqual(a, b);
    }

    // 4. Model-file validation: exit 1, the file, the JSON path and what was expected.
    [Theory]
    [InlineData("(\"values\": \\[\\s*)[^,\\s]+", "${1}1e300", "at $.parameters.values[0]: expected a finite 32-bit float (magnitude at most 3.4028235E+38), found the number 1e300")]
    [InlineData("(\"values\": \\[\\s*)[^,\\s]+", "${1}\"x\"", "at $.parameters.values[0]: expected a finite 32-bit float (magnitude at most 3.4028235E+38), found the string \"x\"")]
    [InlineData("\"count\": 9", "\"count\": 10", "at $.parameters.count: expected 9, the length of the layout, found 10")]
    [InlineData("\"alpha\": 0.25,", "", "at $.learner.hyperparameters: expected a member 'alpha'")]
    [InlineData("\"agents\": 2", "\"agents\": -3", "at $.game.agents: expected an integer in 1..10000, found the number -3")]
    [InlineData("\"format\": \"diml-model\",", "\"format\": \"diml-model\", \"format\": \"diml-model\",", "at $.format: expected 'format' once")]
    [InlineData("\"learner\":", "\"teacher\":", "at $.teacher: expected only the members")]
    [InlineData("\"offset\": 3", "\"offset\": 4", "at $.parameters.layout[1].offset: expected 3 (blocks are contiguous, in order), found 4")]
    public void BadModelFile_IsALocatedInputError(string find, string replace, string message)
    {
        string model = Model();
        string text = File.ReadAllText(model);
        var pattern = new System.Text.RegularExpressions.Regex(find.StartsWith('(') ? find : System.Text.RegularExpressions.Regex.Escape(find));
        Assert.Matches(pattern, text);
        string bad = _cli.PathOf("bad.json");
        File.WriteAllText(bad, pattern.Replace(text, find.StartsWith('(') ? replace : replace.Replace("$", "$$"), 1));
        AssertFailsWritingNothing(1, "bad.json, " + message, "counterfactual", "--model", bad, "--episodes", "2", "--horizon", "3", "--out", _cli.PathOf("cf.csv"));
    }

    // 5. Output locations are checked before the work, and a failed run creates nothing.
    [Fact]
    public void FolderPathAsOutput_IsRefusedBeforeTraining() =>
        AssertFailsWritingNothing(2, "--curve: expected a file path, found a folder path",
            "fit", "--data", _data, "--mechanism", "congestion", "--out", _cli.PathOf("m.json"), "--curve", _cli.PathOf("cdir") + "/");

    [Fact]
    public void OutputBelowAFile_IsRefusedBeforeTraining() =>
        AssertFailsWritingNothing(2, "is a file", "simulate", "--mechanism", "congestion", "--out", Path.Combine(_data, "o.csv"));

    [Fact]
    public void FailedFit_LeavesNoCreatedFolder()
    {
        string bad = _cli.PathOf("bad.csv");
        File.WriteAllText(bad, "episode,t,agent,action\n0,0,0,x\n");
        AssertFailsWritingNothing(1, "line 2, column 4 'action'", "fit", "--data", bad, "--mechanism", "congestion", "--out", _cli.PathOf("new/deeper/m.json"));
    }

    // 6. Links and special files are refused; '-' is standard output.
    [Fact]
    public void SymbolicLinkOrFifoOutput_IsRefused()
    {
        string target = _cli.PathOf("target.csv"), link = _cli.PathOf("link.csv");
        File.WriteAllText(target, "keep");
        File.CreateSymbolicLink(link, target);
        AssertFailsWritingNothing(2, "found a symbolic link", "simulate", "--mechanism", "congestion", "--out", link);
        AssertFailsWritingNothing(2, "found a device '/dev/null'", "simulate", "--mechanism", "congestion", "--out", "/dev/null");
    }

    [Fact]
    public void DashOutput_WritesTheCsvToStandardOutput_AndTheSummaryToStandardError()
    {
        var run = _cli.Run("simulate", "--mechanism", "congestion", "--agents", "1", "--actions", "2", "--episodes", "1", "--horizon", "2", "--out", "-");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("#actions=2\n#agents=1\n", run.Output);
        Assert.EndsWith("episode,t,agent,action\n0,0,0,", run.Output[..(run.Output.IndexOf("0,0,0,", StringComparison.Ordinal) + 6)]);
        Assert.Contains("wrote 1 episode x 2 steps (1 agent x 2 actions) to standard output", run.Error);
    }

    // 7. Float and integer options out of range.
    [Theory]
    [InlineData("--lr", "1e39", "--lr: expected a positive number of magnitude at most 3.4028235E+38 (the largest 32-bit float), found '1e39', which is too large.")]
    [InlineData("--regularizer", "1e39", "which is too large")]
    [InlineData("--clip", "1e39", "which is too large")]
    [InlineData("--alpha", "1e-50", "--alpha: expected a finite number of magnitude at least 1.1754943508222875E-38 (the smallest normal 32-bit float) or 0, found '1e-50', which is too small.")]
    [InlineData("--epochs", "99999999999", "--epochs: expected a positive integer of at most 2147483647, found '99999999999', which is too large.")]
    public void OptionBeyondItsRange_SaysTooLargeOrTooSmall(string option, string value, string message) =>
        AssertFailsWritingNothing(2, message, "fit", "--data", _data, "--mechanism", "congestion", option, value, "--out", _cli.PathOf("m.json"));

    // 8. Control bytes from files are escaped.
    [Fact]
    public void ControlBytesInTheFile_AreEscapedInTheMessage()
    {
        string bad = _cli.PathOf("esc.csv");
        File.WriteAllText(bad, "episode,t,agent,action\n0,0,0,\u001b[2J\u0007\n");
        var before = Snapshot();
        var run = _cli.Run("fit", "--data", bad, "--mechanism", "congestion", "--out", _cli.PathOf("m.json"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("found '\\x1B[2J\\x07'", run.Error);
        Assert.DoesNotContain('\u001b', run.Error);
        Assert.Equal(before, Snapshot());
    }

    // 10. Docs and behaviour agree.
    [Fact]
    public void NoCommand_ListsEveryCommand() =>
        Assert.Contains("(simulate, fit, evaluate, inspect, compare, counterfactual, check, reproduce, bench)", _cli.Run().Error);

    // Output for people and scripts.
    [Fact]
    public void FitJson_IsOneObjectWithUnits()
    {
        var run = _cli.Run("fit", "--data", _data, "--mechanism", "congestion", "--epochs", "2", "--min-steps", "0", "--batch", "2", "--window", "4", "--threads", "1",
            "--out", _cli.PathOf("m.json"), "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("epochs").GetInt32());
        Assert.Equal(2, root.GetProperty("planned_epochs").GetInt32());
        Assert.Equal("completed", root.GetProperty("stop_reason").GetString());
        Assert.Equal("validation_nll", root.GetProperty("selected_by").GetString());
        Assert.True(root.GetProperty("validation_episodes").GetInt32() >= 1);
        Assert.InRange(root.GetProperty("selected_epoch").GetInt32(), 1, 2);
        Assert.True(root.GetProperty("best_validation_nll").GetDouble() > 0);
        Assert.Equal(3 * 2, root.GetProperty("scored_agent_steps_per_window").GetInt32());
        Assert.Equal(root.GetProperty("final_train_loss_per_window").GetDouble() / 6, root.GetProperty("final_train_loss_per_agent_step").GetDouble(), 12);
        Assert.True(root.GetProperty("nll_test").GetDouble() > 0);
        Assert.False(File.Exists(_cli.PathOf("m.json.checkpoint")));
    }

    [Fact]
    public void RedirectedTables_ArePlainAscii_AndLossesHaveUnits()
    {
        var run = _cli.Run("fit", "--data", _data, "--mechanism", "congestion", "--epochs", "1", "--batch", "2", "--window", "4", "--threads", "1", "--out", _cli.PathOf("m.json"));
        Assert.Equal(0, run.ExitCode);
        Assert.All(run.Output, c => Assert.True(c < 128, $"non-ASCII '{c}' in {run.Output}"));
        Assert.Contains("per episode window (NLL summed over 6 agent-steps, plus the regularizer)", run.Output);
        Assert.Contains("per agent-step", run.Output);
    }

    [Fact]
    public void Help_ShowsTheRealDefaults()
    {
        var counterfactual = _cli.Run("counterfactual", "--help").Output;
        Assert.Contains("default the model's value", counterfactual);
        var fit = _cli.Run("fit", "--help").Output;
        Assert.Contains("[default: reference]", fit);
    }
}
