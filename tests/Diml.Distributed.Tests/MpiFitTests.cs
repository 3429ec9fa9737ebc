using System.Diagnostics;
using Diml.Experiments;

namespace Diml.Distributed.Tests;

/// <summary>
/// <c>diml fit</c>, <c>simulate</c>, <c>bootstrap</c> and <c>compare --folds</c> on two MPI ranks (<c>mpiexec.mpich -n 2</c>, one thread each) against one process:
/// the model files and the replications must be identical byte for byte (the parameters bit for bit). Skipped, with the reason, only when mpiexec.mpich is not installed.
/// </summary>
public sealed class MpiFitTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("diml-mpi-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [MpiFact]
    public void FitOnTwoRanks_WritesTheModelOfOneProcess_BitForBit()
    {
        string data = Simulate("anonymous-count", "6", "4");
        string[] fit = ["fit", "--data", data, "--mechanism", "anonymous-count", "--epochs", "6", "--min-steps", "0", "--batch", "4", "--threads", "1", "--se", "none"];
        string alone = Path.Combine(_folder, "alone.json"), ranks = Path.Combine(_folder, "ranks.json");
        Assert.Equal(0, Cli.Run([.. fit, "--out", alone], TextWriter.Null, TextWriter.Null));

        var (code, output, error) = MpiExec(2, [.. fit, "--out", ranks, "--json"]);
        Assert.True(code == 0, $"mpiexec exited {code}: {error}");
        // The ranks shared one fit (rather than each running a whole fit of its own and writing the same file).
        Assert.Contains("diml fit: sharing the fit between 2 MPI ranks", error);
        Assert.Equal(File.ReadAllBytes(alone), File.ReadAllBytes(ranks));
        // Rank 0 alone prints the summary: one JSON object.
        Assert.Single(output.Split('\n'), line => line.StartsWith('{'));
        Assert.False(File.Exists(ranks + ".checkpoint"));
    }

    [MpiFact]
    public void FitOnTwoRanks_OfAJointMechanism_WithValidation_MatchesOneProcess()
    {
        string data = Simulate("neural-joint", "3", "3");
        string[] fit = ["fit", "--data", data, "--mechanism", "neural-joint", "--epochs", "4", "--min-steps", "0", "--batch", "4", "--threads", "1",
            "--validation-fraction", "0.25", "--se", "none"];
        string alone = Path.Combine(_folder, "alone.json"), ranks = Path.Combine(_folder, "ranks.json");
        Assert.Equal(0, Cli.Run([.. fit, "--out", alone], TextWriter.Null, TextWriter.Null));
        var (code, _, error) = MpiExec(2, [.. fit, "--out", ranks]);
        Assert.True(code == 0, $"mpiexec exited {code}: {error}");
        // The ranks shared one fit (rather than each running a whole fit of its own and writing the same file).
        Assert.Contains("diml fit: sharing the fit between 2 MPI ranks", error);
        Assert.Equal(File.ReadAllBytes(alone), File.ReadAllBytes(ranks));
    }

    [MpiFact]
    public void ARankThatCannotReadItsInput_EndsTheJob_WithOneMessageNamingIt()
    {
        string data = Simulate("anonymous-count", "6", "4");
        string model = Path.Combine(_folder, "m.json");
        string[] fit = ["fit", "--mechanism", "anonymous-count", "--epochs", "2", "--min-steps", "0", "--threads", "1", "--se", "none", "--out", model];
        // MPMD: rank 1 is given a file that does not exist; rank 0 must not wait for it forever.
        string tool = ToolPath;
        var (code, _, error) = Run(Mpi.Exec!, ["-n", "1", "dotnet", tool, .. fit, "--data", data, ":", "-n", "1", "dotnet", tool, .. fit, "--data", data + ".missing"]);
        Assert.NotEqual(0, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("diml fit: error")).ToArray();
        Assert.Equal([$"diml fit: error: rank 1 of 2: --data: expected an existing trajectory CSV file, found no file '{data}.missing'."], lines);
        Assert.False(File.Exists(model));
    }

    [MpiFact]
    public void BootstrapOnTwoRanks_WritesTheReplicationsOfOneProcess_BitForBit()
    {
        string data = Simulate("public-goods", "3", "4");
        string model = FitPublicGoods(data);
        string[] bootstrap = ["bootstrap", "--model", model, "--data", data, "--replications", "5", "--seed", "2", "--threads", "1"];
        string alone = Path.Combine(_folder, "alone"), ranks = Path.Combine(_folder, "ranks");
        Assert.Equal(0, Cli.Run([.. bootstrap, "--out", alone], TextWriter.Null, TextWriter.Null));

        var (code, output, error) = MpiExec(2, [.. bootstrap, "--out", ranks]);
        Assert.True(code == 0, $"mpiexec exited {code}: {error}");
        Assert.Contains("diml bootstrap: sharing the 5 refits between 2 MPI ranks", error);
        foreach (string file in new[] { "bootstrap-replications.csv", "bootstrap-payoff-differences.csv" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(alone, file)), File.ReadAllBytes(Path.Combine(ranks, file)));
        // Rank 0 alone prints the report.
        Assert.Single(output.Split('\n'), line => line.StartsWith("wrote ", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(ranks, "bootstrap-replications.partial")));
    }

    [MpiFact]
    public void CompareOnTwoRanks_SharesTheFolds_AndWritesTheComparisonOfOneProcess()
    {
        string data = Simulate("public-goods", "3", "4");
        string model = FitPublicGoods(data);
        string[] compare = ["compare", model, "--data", data, "--folds", "3", "--seed", "1", "--threads", "1"];
        string alone = Path.Combine(_folder, "alone"), ranks = Path.Combine(_folder, "ranks");
        Assert.Equal(0, Cli.Run([.. compare, "--out", alone], TextWriter.Null, TextWriter.Null));

        var (code, output, error) = MpiExec(2, [.. compare, "--out", ranks]);
        Assert.True(code == 0, $"mpiexec exited {code}: {error}");
        Assert.Contains("diml compare: sharing the 3 cross-validation folds of each model between 2 MPI ranks", error);
        foreach (string file in new[] { "comparison.csv", "comparison-tests.csv", "comparison.json" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(alone, file)), File.ReadAllBytes(Path.Combine(ranks, file)));
        Assert.Single(output.Split('\n'), line => line.StartsWith("wrote ", StringComparison.Ordinal));
    }

    [MpiFact]
    public void SimulateOnTwoRanks_OfARematchedDesign_WritesTheFilesOfOneProcess()
    {
        string[] simulate = ["simulate", "--mechanism", "public-goods", "--agents", "8", "--group-size", "4", "--actions", "5", "--episodes", "7",
            "--horizon", "6", "--seed", "3", "--threads", "1"];
        string alone = Path.Combine(_folder, "alone.csv"), ranks = Path.Combine(_folder, "ranks.csv");
        Assert.Equal(0, Cli.Run([.. simulate, "--out", alone, "--truth", alone + ".truth.json"], TextWriter.Null, TextWriter.Null));

        var (code, output, error) = MpiExec(2, [.. simulate, "--out", ranks, "--truth", ranks + ".truth.json"]);
        Assert.True(code == 0, $"mpiexec exited {code}: {error}");
        Assert.Contains("diml simulate: sharing the 7 episodes between 2 MPI ranks", error);
        Assert.Equal(File.ReadAllBytes(alone), File.ReadAllBytes(ranks));
        Assert.Equal(File.ReadAllBytes(alone + ".truth.json"), File.ReadAllBytes(ranks + ".truth.json"));
        Assert.Single(output.Split('\n'), line => line.StartsWith("wrote ", StringComparison.Ordinal));
    }

    /// <summary>A short public-goods fit of <paramref name="data"/> on one process: the model the bootstrap and compare tests start from.</summary>
    private string FitPublicGoods(string data)
    {
        string model = Path.Combine(_folder, "model.json");
        Assert.Equal(0, Cli.Run(["fit", "--data", data, "--mechanism", "public-goods", "--epochs", "3", "--min-steps", "0", "--threads", "1", "--out", model],
            TextWriter.Null, TextWriter.Null));
        return model;
    }

    private string Simulate(string mechanism, string agents, string actions)
    {
        string data = Path.Combine(_folder, "data.csv");
        Assert.Equal(0, Cli.Run(["simulate", "--mechanism", mechanism, "--agents", agents, "--actions", actions, "--episodes", "16", "--horizon", "15",
            "--seed", "4", "--out", data, "--truth", Path.Combine(_folder, "truth.json")], TextWriter.Null, TextWriter.Null));
        return data;
    }

    private static string ToolPath => Path.Combine(AppContext.BaseDirectory, "diml.dll");

    private static (int Code, string Output, string Error) MpiExec(int ranks, string[] arguments) =>
        Run(Mpi.Exec!, ["-n", ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), "dotnet", ToolPath, .. arguments]);

    private static (int Code, string Output, string Error) Run(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in 60 s (a rank waiting forever?).");
        }
        return (process.ExitCode, output.Result, error.Result);
    }
}

/// <summary>Where MPICH's launcher is (null: not installed).</summary>
internal static class Mpi
{
    public static readonly string? Exec = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
        .Select(folder => Path.Combine(folder, "mpiexec.mpich")).FirstOrDefault(File.Exists);
}

/// <summary>A test that needs MPICH's mpiexec: skipped, saying so, when it is not installed.</summary>
internal sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute()
    {
        if (Mpi.Exec is null)
            Skip = "mpiexec.mpich is not on PATH: install MPICH (apt-get install -y mpich libmpich-dev, as .ci/run and the README do) to run the 2-rank tests.";
    }
}
