using System.Text;
using Diml.IO;

namespace Diml.Tests.Data;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void WriteAllText_CreatesUtf8WithoutBomAndNoLeftovers()
    {
        string path = _temp.File("model.json");
        AtomicFile.WriteAllText(path, "{\"θ\":1}");
        Assert.Equal("{\"θ\":1}"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void Write_WriterThrows_LeavesTheOriginalIntactAndDeletesTheTemporaryFile()
    {
        string path = _temp.WriteLines("results.csv", "original");

        var error = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(Encoding.UTF8.GetBytes("half a fi"));
            throw new InvalidOperationException("writer failed");
        }));

        Assert.Equal("writer failed", error.Message);
        Assert.Equal("original\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void Write_WriterThrows_CreatesNoFileWhereThereWasNone()
    {
        string path = _temp.File("new.csv");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, _ => throw new IOException("disk full")));
        Assert.Empty(Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void Write_OverExistingFile_ReplacesContent()
    {
        string path = _temp.WriteLines("checkpoint.json", "old");
        AtomicFile.Write(path, stream => stream.Write("new"u8));
        Assert.Equal("new", File.ReadAllText(path));
    }

    [Fact]
    public void Write_MissingDirectory_NamesTheDirectory()
    {
        string directory = _temp.File("absent");
        var error = Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllText(Path.Combine(directory, "x.txt"), "x"));
        Assert.Contains($"found no directory '{directory}'", error.Message);
    }

    [Fact]
    public void Write_EmptyPath_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => AtomicFile.WriteAllText("", "x"));
        Assert.Equal("path", error.ParamName);
    }
}
