namespace Diml.Tests.Data;

/// <summary>A fresh directory under the system temp path, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "diml-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The full path of <paramref name="name"/> inside the directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes <paramref name="lines"/>, each ended by <c>\n</c>, to <paramref name="name"/> and returns its path.</summary>
    public string WriteLines(string name, params string[] lines)
    {
        string path = File(name);
        System.IO.File.WriteAllText(path, string.Concat(lines.Select(line => line + "\n")));
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}
