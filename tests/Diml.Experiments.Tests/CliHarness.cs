namespace Diml.Experiments.Tests;

/// <summary>Runs <c>diml</c> in process with captured output, in a fresh temporary folder.</summary>
public sealed class CliHarness : IDisposable
{
    public CliHarness()
    {
        Folder = Path.Combine(Path.GetTempPath(), "diml-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The temporary folder; deleted on dispose.</summary>
    public string Folder { get; }

    /// <summary>A path inside <see cref="Folder"/>.</summary>
    public string PathOf(string name) => System.IO.Path.Combine(Folder, name);

    /// <summary>Runs the command line; relative file names are not rewritten, so pass <see cref="PathOf"/> paths.</summary>
    public CliRun Run(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        int code = Cli.Run(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Every file in <see cref="Folder"/>, including hidden temporaries.</summary>
    public string[] Files() => Directory.GetFiles(Folder, "*", SearchOption.AllDirectories).Select(System.IO.Path.GetFileName).ToArray()!;

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }
}
