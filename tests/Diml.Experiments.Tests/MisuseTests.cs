namespace Diml.Experiments.Tests;

/// <summary>Bad command lines and bad inputs: a non-zero exit, one error line naming the problem, and no output file.</summary>
public sealed class MisuseTests : IDisposable
{
    private readonly CliHarness _cli = new();
    private readonly string _data;
    private readonly string _bad;

    public MisuseTests()
    {
        _data = _cli.PathOf("data.csv");
        File.WriteAllText(_data, "episode,t,agent,action\n0,0,0,1\n0,0,1,0\n0,1,0,1\n0,1,1,1\n1,0,0,0\n1,0,1,1\n1,1,0,1\n1,1,1,0\n");
        _bad = _cli.PathOf("bad.csv");
        File.WriteAllText(_bad, "episode,t,agent,action\n0,0,0,1\n0,0,1,1\n0,1,0,one\n");
    }

    public void Dispose() => _cli.Dispose();

    public static TheoryData<string, int, string> Cases => new()
    {
        { "simulate --mechanism nope --out OUT", 2, "--mechanism: expected one of congestion, neural-joint, anonymous-count, pooled-anonymous, public-goods, linear-public-goods, volunteers, tabular, public-goods-fixed-return, found 'nope'." },
        { "fit --data MISSING --mechanism congestion --out OUT", 1, "--data: expected an existing trajectory CSV file, found no file" },
        { "fit --data BAD --mechanism congestion --out OUT", 1, "bad.csv, line 4, column 4 'action': expected a non-negative integer, found 'one'." },
        { "fit --data DATA --mechanism congestion --epochs -3 --out OUT", 2, "--epochs: expected a positive integer, found '-3'." },
        { "fit --data DATA --mechanism congestion --lr abc --out OUT", 2, "--lr: expected a positive number, found 'abc'." },
        { "fit --data DATA --mechanism congestion --window-mode sideways --out OUT", 2, "--window-mode: expected reference or carry, found 'sideways'." },
        { "fit --data DATA --mechanism congestion --eta 0.5 --out OUT", 2, "--eta: not a hyperparameter of rule logit-q" },
        { "fit --data DATA --mechanism congestion --alpha 1.5 --out OUT", 2, "--alpha: expected a step size in (0, 1], found 1.5." },
        { "fit --data DATA --mechanism congestion --rule sarsa --out OUT", 2, "--rule: expected one of logit-q, hedge, ewa, logit-q-inertia, found 'sarsa'." },
        { "fit --data DATA --mechanism congestion --hidden 8 --out OUT", 2, "--hidden: mechanism congestion has no hidden layers" },
        { "fit --data DATA --mechanism congestion --train-fraction 0.1 --out OUT", 1, "--train-fraction: expected a fraction leaving at least 1 training" },
        { "fit --data DATA --mechanism congestion --unknown 1 --out OUT", 2, "'--unknown'" },
        { "fit --data DATA --mechanism congestion", 2, "'--out' is required" },
        { "evaluate --model DATA --data DATA", 1, "data.csv, line 1, byte 1: expected a Diml model file (JSON)" },
        { "evaluate --model MISSING --data DATA", 1, "--model: expected an existing model file, found no file" },
        { "counterfactual --model MISSING --out OUT", 1, "--model: expected an existing model file" },
        { "simulate --mechanism congestion --actions 1 --out OUT", 2, "--actions: expected an integer of at least 2, found '1'." },
        { "simulate --mechanism congestion --out FOLDER", 2, "--out: expected a file path, found a directory" },
        { "", 2, "expected a command" },
        { "frobnicate", 2, "'frobnicate'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Misuse_FailsWithOneLine_AndWritesNothing(string commandLine, int exitCode, string message)
    {
        var before = _cli.Files().Order().ToArray();
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a switch
        {
            "OUT" => _cli.PathOf("out.file"),
            "DATA" => _data,
            "BAD" => _bad,
            "MISSING" => _cli.PathOf("missing.file"),
            "FOLDER" => _cli.Folder,
            _ => a,
        }).ToArray();

        var run = _cli.Run(args);

        Assert.Equal(exitCode, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("diml", line);
        Assert.Contains(message, line);
        Assert.Equal(before, _cli.Files().Order().ToArray());
    }

    [Fact]
    public void Evaluate_ModelOfOtherGame_NamesBothShapes()
    {
        string data = _cli.PathOf("d.csv"), truth = _cli.PathOf("t.json");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "neural-joint", "--agents", "3", "--actions", "2", "--hidden", "4", "--episodes", "2", "--horizon", "3", "--out", data, "--truth", truth).ExitCode);
        var run = _cli.Run("evaluate", "--model", truth, "--data", _data);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("tied to its 3 agents; expected 2 agents", Assert.Single(run.ErrorLines));
    }
}
