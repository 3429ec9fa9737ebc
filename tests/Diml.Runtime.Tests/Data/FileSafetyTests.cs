using System.Text;
using Diml.Data;
using Diml.IO;

namespace Diml.Tests.Data;

/// <summary>Output locations, links and special files, leftovers of killed writers, encodings, line ends and size limits.</summary>
public sealed class FileSafetyTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void AtomicWrite_RemovesTemporariesOfDeadProcesses_AndKeepsThoseOfLiveOnes()
    {
        string target = _temp.File("model.json");
        // No process has id int.MaxValue; this process is alive.
        string dead = _temp.File($".model.json.{int.MaxValue}.{Guid.NewGuid():N}.tmp");
        string live = _temp.File($".model.json.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        string other = _temp.File($".other.json.{int.MaxValue}.{Guid.NewGuid():N}.tmp");
        foreach (string f in new[] { dead, live, other }) File.WriteAllText(f, "partial");
        AtomicFile.WriteAllText(target, "done");
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
        Assert.Equal("done", File.ReadAllText(target));
    }

    [Fact]
    public void AtomicWrite_RefusesALinkOrDevice_LeavingThemAsTheyWere()
    {
        string target = _temp.WriteLines("target.txt", "keep"), link = _temp.File("link.txt");
        File.CreateSymbolicLink(link, target);
        var error = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(link, "x"));
        Assert.Contains("found a symbolic link", error.Message);
        Assert.Equal(FileKind.SymbolicLink, FileSystemProbe.KindOf(link));
        Assert.Equal("keep\n", File.ReadAllText(target));
        if (!OperatingSystem.IsWindows()) Assert.Equal(FileKind.Device, FileSystemProbe.KindOf("/dev/null"));
    }

    [Fact]
    public void FilePlan_FindsTheSameFileThroughALinkedFolder_AndCreatesNothing()
    {
        string real = Directory.CreateDirectory(_temp.File("real")).FullName, alias = _temp.File("alias");
        Directory.CreateSymbolicLink(alias, real);
        string data = Path.Combine(real, "d.csv");
        File.WriteAllText(data, "x");
        var error = Assert.Throws<FileLocationException>(() => FilePlan.Check([
            new FileArgument("--data", data, FileRole.Input), new FileArgument("--out", Path.Combine(alias, "d.csv"), FileRole.Output)]));
        Assert.Equal("--out", error.Argument);
        Assert.Equal("--data", error.OtherArgument);
        FilePlan.CheckOutput(_temp.File("new/deeper/m.json"), "--out");
        Assert.False(Directory.Exists(_temp.File("new")));
        Assert.Equal(["alias", "real"], Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE }, "line 1: the file is not UTF-8; expected UTF-8 text (save it as UTF-8), found a UTF-16 LE byte-order mark.")]
    [InlineData(new byte[] { 0xFE, 0xFF }, "found a UTF-16 BE byte-order mark.")]
    public void Read_Utf16File_IsRefused(byte[] mark, string message)
    {
        string path = _temp.File("u16.csv");
        File.WriteAllBytes(path, [.. mark, .. Encoding.Unicode.GetBytes("episode,t,agent,action\n0,0,0,1\n")]);
        Assert.EndsWith(message, Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path)).Message);
    }

    [Fact]
    public void Read_CarriageReturnLineEnds_AreRefusedAtTheirLine()
    {
        string path = _temp.File("mac.csv");
        File.WriteAllText(path, "episode,t,agent,action\n0,0,0,1\r0,1,0,0\n");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Equal(2, error.Line);
        Assert.Contains("the line ends in a carriage return alone; expected lines ended by \\n or \\r\\n", error.Message);
    }

    [Fact]
    public void Read_CrLfAndUtf8Bom_AreAccepted()
    {
        string path = _temp.File("win.csv");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("episode,t,agent,action\r\n0,0,0,1\r\n0,1,0,0\r\n")]);
        var data = TrajectoryCsv.Read(path).Trajectories;
        Assert.Equal(2, data.Steps);
        Assert.Equal("1 episode x 2 steps, 1 agent x 2 actions", data.ToString());
    }

    [Theory]
    [InlineData("0,0,0,999999", "line 2, column 4 'action': expected an action in 0..255 (games have at most 256 actions), found 999999.")]
    [InlineData("0,0,0,99999999999", "line 2, column 4 'action': expected an action in 0..255 (games have at most 256 actions), found '99999999999'.")]
    [InlineData("0,0,10000,1", "line 2, column 3 'agent': expected an agent in 0..9999 (games have at most 10000 agents), found 10000.")]
    [InlineData("0,99999999999,0,1", "line 2, column 2 't': expected a non-negative integer of at most 2147483647, found '99999999999'.")]
    public void Read_ValueBeyondTheLimits_IsLocated(string row, string message)
    {
        string path = _temp.WriteLines("big.csv", "episode,t,agent,action", row);
        Assert.EndsWith(message, Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path)).Message);
    }

    [Fact]
    public void Messages_EscapeControlCharacters()
    {
        Assert.Equal("a\\x1B[2Jb\\n\\u202Ec\U0001F600", MessageText.Escape("a\u001b[2Jb\n\u202Ec\U0001F600"));
        Assert.Same("plain", MessageText.Escape("plain"));
        Assert.Equal("1 agent", MessageText.Count(1, "agent"));
        Assert.Equal("2 agents", MessageText.Count(2, "agent"));
    }

    [Fact]
    public void GameShape_RefusesSizesBeyondTheLimits()
    {
        Assert.Contains("at most 256 actions", Assert.Throws<ArgumentOutOfRangeException>(() => new GameShape(3, 46341)).Message);
        Assert.Contains("at most 10000 agents", Assert.Throws<ArgumentOutOfRangeException>(() => new GameShape(10001, 2)).Message);
    }
}
