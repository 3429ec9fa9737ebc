using Diml.Data;

namespace Diml.Tests.Data;

public sealed class TrajectoryCsvWriteTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Write_EmitsMetadataHeaderAndRowsSortedByEpisodeTAgent()
    {
        var data = new Trajectories(new GameShape(2, 3), 2, 2, [0, 2, 1, 1, 2, 0, 0, 1],
            new Dictionary<string, string> { ["seed"] = "3", ["mechanism"] = "toy" });
        string path = _temp.File("out.csv");

        TrajectoryCsv.Write(path, data);

        Assert.Equal(
            "#mechanism=toy\n#seed=3\nepisode,t,agent,action\n" +
            "0,0,0,0\n0,0,1,2\n0,1,0,1\n0,1,1,1\n1,0,0,2\n1,0,1,0\n1,1,0,0\n1,1,1,1\n",
            File.ReadAllText(path));
        // No byte-order mark: the file starts with '#'.
        Assert.Equal((byte)'#', File.ReadAllBytes(path)[0]);
    }

    [Fact]
    public void Write_TextWriter_WritesTheSameText()
    {
        var data = TestTrajectories.Patterned(2, 3, 2, 5);
        string path = _temp.File("out.csv");
        TrajectoryCsv.Write(path, data);
        var text = new StringWriter();
        TrajectoryCsv.Write(text, data);
        Assert.Equal(File.ReadAllText(path), text.ToString());
    }

    [Fact]
    public void Write_MetadataValueWithLineBreak_ThrowsAndLeavesTheOriginalIntact()
    {
        string path = _temp.WriteLines("out.csv", "original");
        var data = TestTrajectories.Random(1, 2, 2, 2, 2, new Dictionary<string, string> { ["note"] = "two\nlines" });

        var error = Assert.Throws<ArgumentException>(() => TrajectoryCsv.Write(path, data));

        Assert.Equal("data", error.ParamName);
        Assert.Contains("expected metadata values on one line, found a line break in the value of 'note'", error.Message);
        Assert.Equal("original\n", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_temp.Path));
    }

    [Fact]
    public void Write_InvalidMetadataKey_NamesTheKey()
    {
        var data = TestTrajectories.Random(1, 2, 2, 2, 2, new Dictionary<string, string> { ["bad key"] = "x" });
        var error = Assert.Throws<ArgumentException>(() => TrajectoryCsv.Write(new StringWriter(), data));
        Assert.Contains("found key 'bad key'", error.Message);
    }

    [Fact]
    public void Write_OverExistingFile_ReplacesItAndLeavesNoTemporaryFile()
    {
        string path = _temp.WriteLines("out.csv", "old content");
        var data = TestTrajectories.Patterned(3, 2, 2, 5);

        TrajectoryCsv.Write(path, data);

        Assert.True(data.ContentEquals(TrajectoryCsv.Read(path).Trajectories));
        Assert.Equal([path], Directory.GetFiles(_temp.Path));
    }
}
