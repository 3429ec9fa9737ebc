using Diml.Data;

namespace Diml.Tests.Data;

public sealed class TrajectoryCsvReadTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Read_AfterWrite_ReturnsEqualDataAndMetadata()
    {
        var data = TestTrajectories.Random(seed: 5, episodes: 5, steps: 7, agents: 3, actions: 4,
            metadata: new Dictionary<string, string> { ["seed"] = "5", ["mechanism"] = "e1.public-goods" });
        string path = _temp.File("round-trip.csv");
        TrajectoryCsv.Write(path, data);

        var result = TrajectoryCsv.Read(path);

        Assert.True(data.ContentEquals(result.Trajectories));
        Assert.Equal(data.Fingerprint(), result.Trajectories.Fingerprint());
        Assert.Equal(new GameShape(3, 4), result.Trajectories.Shape);
        Assert.Equal("5", result.Trajectories.Metadata["seed"]);
        Assert.Equal("e1.public-goods", result.Trajectories.Metadata["mechanism"]);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Read_ShuffledRowsAndPermutedColumns_ReadsTheSame()
    {
        var data = TestTrajectories.Random(seed: 9, episodes: 4, steps: 5, agents: 3, actions: 6);
        var rows = new List<string>();
        for (int e = 0; e < 4; e++)
            for (int t = 0; t < 5; t++)
                for (int i = 0; i < 3; i++)
                    rows.Add($"{data.Action(e, t, i)},{i},{t},{e}");
        var random = new Random(42);
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
        string path = _temp.WriteLines("shuffled.csv", ["action,agent,t,episode", .. rows]);

        var result = TrajectoryCsv.Read(path, new GameShape(3, 6));

        Assert.True(data.ContentEquals(result.Trajectories));
    }

    [Fact]
    public void Read_ExtraColumns_AreIgnoredWithAWarningEach()
    {
        string path = _temp.WriteLines("extra.csv",
            "episode,reward,t,agent,action,note",
            "0,1.5,0,0,1,\"a, b\"",
            "0,0.5,0,1,0,plain",
            "0,2.5,1,0,0,",
            "0,0.0,1,1,1,\"say \"\"hi\"\", then go\"");

        var result = TrajectoryCsv.Read(path);

        Assert.Equal(
        [
            $"{path}, line 1: column 2 'reward' is not one of episode,t,agent,action,group and was ignored.",
            $"{path}, line 1: column 6 'note' is not one of episode,t,agent,action,group and was ignored.",
        ], result.Warnings);
        Assert.Equal(new[] { 1, 0, 0, 1 }, result.Trajectories.AsSpan().ToArray());
    }

    [Fact]
    public void Read_CommentsAndBlankLines_AreSkippedAndMetadataKept()
    {
        string path = _temp.WriteLines("comments.csv",
            "# produced by hand",
            "#seed = 12",
            "",
            "episode,t,agent,action",
            "0,0,0,1",
            "# a comment between rows",
            "0,0,1,0",
            "");

        var result = TrajectoryCsv.Read(path);

        Assert.Equal(new[] { 1, 0 }, result.Trajectories.AsSpan().ToArray());
        Assert.Equal(new Dictionary<string, string> { ["seed"] = "12" }, result.Trajectories.Metadata);
    }

    [Fact]
    public void Read_ExpectedShape_KeepsActionsTheDataNeverUse()
    {
        string path = _temp.WriteLines("shape.csv", "episode,t,agent,action", "0,0,0,1", "0,0,1,0");
        Assert.Equal(new GameShape(2, 2), TrajectoryCsv.Read(path).Trajectories.Shape);
        Assert.Equal(new GameShape(2, 6), TrajectoryCsv.Read(path, new GameShape(2, 6)).Trajectories.Shape);
    }

    [Fact]
    public void Read_TextReader_NamesTheSourceInErrors()
    {
        var error = Assert.Throws<DataFormatException>(() =>
            TrajectoryCsv.Read(new StringReader("episode,t,agent,action\n0,0,0,x\n"), "stdin"));
        Assert.Equal("stdin, line 2, column 4 'action': expected a non-negative integer, found 'x'.", error.Message);
    }

    [Fact]
    public void Read_E7SizedFile_RoundTrips()
    {
        // E7: 16 episodes x 25 steps x 300 agents = 120,000 rows, 40 actions.
        var data = TestTrajectories.Random(seed: 7, episodes: 16, steps: 25, agents: 300, actions: 40);
        string path = _temp.File("e7.csv");
        TrajectoryCsv.Write(path, data);
        var result = TrajectoryCsv.Read(path);

        // How fast it reads is a benchmark (tests/Diml.Benchmarks, CsvBenchmarks), not a test.
        Assert.True(data.ContentEquals(result.Trajectories));
    }

    [Fact]
    public void Read_EmptyFile_SaysTheFileIsEmpty()
    {
        string path = _temp.WriteLines("empty.csv");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Equal(path, error.FilePath);
        Assert.Equal(1, error.Line);
        Assert.Null(error.Column);
        Assert.Equal("a header line 'episode,t,agent,action'", error.Expected);
        Assert.Equal("an empty file", error.Found);
        Assert.Equal($"{path}, line 1: the file has no header; expected a header line 'episode,t,agent,action', found an empty file.", error.Message);
    }

    [Fact]
    public void Read_OnlyComments_SaysThereIsNoHeader()
    {
        string path = _temp.WriteLines("comments-only.csv", "# nothing here", "");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Equal(2, error.Line);
        Assert.Equal("only blank and comment lines", error.Found);
    }

    [Fact]
    public void Read_MissingHeader_NamesTheFirstLine()
    {
        string path = _temp.WriteLines("no-header.csv", "0,0,0,1", "0,0,1,0");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Equal(path, error.FilePath);
        Assert.Equal(1, error.Line);
        Assert.Equal("a header line 'episode,t,agent,action' before the data", error.Expected);
        Assert.Equal("'0,0,0,1'", error.Found);
        Assert.StartsWith($"{path}, line 1: the header is missing;", error.Message);
    }

    [Fact]
    public void Read_MissingRequiredColumn_NamesTheColumn()
    {
        string path = _temp.WriteLines("no-agent.csv", "episode,t,action", "0,0,1");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Equal(1, error.Line);
        Assert.Equal("agent", error.Column);
        Assert.Null(error.ColumnNumber);
        Assert.Equal("a header naming the columns episode,t,agent,action", error.Expected);
        Assert.Equal("'episode,t,action'", error.Found);
        Assert.Equal($"{path}, line 1, column 'agent': the header has no column 'agent'; expected a header naming the columns episode,t,agent,action, found 'episode,t,action'.", error.Message);
    }

    [Fact]
    public void Read_RequiredColumnTwice_NamesBothPositions()
    {
        string path = _temp.WriteLines("twice.csv", "episode,t,agent,action,t", "0,0,0,1,0");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Equal(1, error.Line);
        Assert.Equal("t", error.Column);
        Assert.Equal(5, error.ColumnNumber);
        Assert.Equal("it at columns 2 and 5", error.Found);
        Assert.Equal($"{path}, line 1, column 5 't': column 't' appears twice in the header; expected each of episode,t,agent,action once, found it at columns 2 and 5.", error.Message);
    }

    [Fact]
    public void Read_NonIntegerValue_NamesLineColumnExpectedAndFound()
    {
        string path = _temp.WriteLines("text.csv", "# data", "episode,t,agent,action", "0,0,0,1", "0,0,1,one");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Equal(path, error.FilePath);
        Assert.Equal(4, error.Line);
        Assert.Equal("action", error.Column);
        Assert.Equal(4, error.ColumnNumber);
        Assert.Equal("a non-negative integer", error.Expected);
        Assert.Equal("'one'", error.Found);
        Assert.Equal($"{path}, line 4, column 4 'action': expected a non-negative integer, found 'one'.", error.Message);
    }

    [Theory]
    [InlineData("0,-1,0,1", "t", 2, "'-1'")]
    [InlineData("0,0,1.0,1", "agent", 3, "'1.0'")]
    [InlineData("+0,0,0,1", "episode", 1, "'+0'")]
    public void Read_NegativeOrMalformedInteger_NamesLineColumnExpectedAndFound(string row, string column, int columnNumber, string found)
    {
        string path = _temp.WriteLines("bad.csv", "episode,t,agent,action", "0,0,0,0", row);
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Equal(3, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Equal(columnNumber, error.ColumnNumber);
        Assert.Equal("a non-negative integer", error.Expected);
        Assert.Equal(found, error.Found);
    }

    [Fact]
    public void Read_ActionOutOfExpectedShape_NamesTheLimit()
    {
        string path = _temp.WriteLines("range.csv", "episode,t,agent,action", "0,0,0,5", "0,0,1,6");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path, new GameShape(2, 6)));
        Assert.Equal(3, error.Line);
        Assert.Equal("action", error.Column);
        Assert.Equal(4, error.ColumnNumber);
        Assert.Equal("an action in 0..5 (the expected shape has 6 actions)", error.Expected);
        Assert.Equal("6", error.Found);
        Assert.Equal($"{path}, line 3, column 4 'action': expected an action in 0..5 (the expected shape has 6 actions), found 6.", error.Message);
    }

    [Fact]
    public void Read_AgentOutOfExpectedShape_NamesTheLimit()
    {
        string path = _temp.WriteLines("agents.csv", "agent,episode,t,action", "0,0,0,1", "2,0,0,1");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path, new GameShape(2, 6)));
        Assert.Equal(3, error.Line);
        Assert.Equal("agent", error.Column);
        Assert.Equal(1, error.ColumnNumber);
        Assert.Equal("an agent in 0..1 (the expected shape has 2 agents)", error.Expected);
        Assert.Equal("2", error.Found);
        Assert.Equal($"{path}, line 3, column 1 'agent': expected an agent in 0..1 (the expected shape has 2 agents), found 2.", error.Message);
    }

    [Fact]
    public void Read_DuplicateRow_NamesBothLines()
    {
        string path = _temp.WriteLines("duplicate.csv",
            "episode,t,agent,action",
            "0,0,0,1",
            "0,0,1,0",
            "0,1,0,1",
            "0,1,1,1",
            "0,0,1,1");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Equal(path, error.FilePath);
        Assert.Equal(6, error.Line);
        Assert.Equal(3, error.RelatedLine);
        Assert.Equal("one row per (episode, t, agent)", error.Expected);
        Assert.Equal("a second one at line 6, the first at line 3", error.Found);
        Assert.Equal($"{path}, line 6: duplicate row for episode 0, t 0, agent 1 (lines 3 and 6); " +
                     "expected one row per (episode, t, agent), found a second one at line 6, the first at line 3.", error.Message);
    }

    [Fact]
    public void Read_GapInT_NamesEpisodeAndStep()
    {
        string path = _temp.WriteLines("gap.csv",
            "episode,t,agent,action",
            "0,0,0,1", "0,0,1,0",
            "0,2,0,1", "0,2,1,0",
            "1,0,0,1", "1,0,1,0",
            "1,1,0,1", "1,1,1,0",
            "1,2,0,1", "1,2,1,0");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Null(error.Line);
        Assert.Equal("t", error.Column);
        Assert.Equal(2, error.ColumnNumber);
        Assert.Equal("rows at every t 0..2", error.Expected);
        Assert.Equal("none at t 1", error.Found);
        Assert.Equal($"{path}, column 2 't': episode 0 has no rows at t 1; expected rows at every t 0..2, found none at t 1.", error.Message);
    }

    [Fact]
    public void Read_MissingAgent_NamesEpisodeStepAndAgent()
    {
        string path = _temp.WriteLines("missing-agent.csv",
            "episode,t,agent,action",
            "0,0,0,1", "0,0,1,0", "0,0,2,0",
            "0,1,0,1", "0,1,2,0");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Null(error.Line);
        Assert.Equal("agent", error.Column);
        Assert.Equal(3, error.ColumnNumber);
        Assert.Equal("a row for every agent 0..2 at every step", error.Expected);
        Assert.Equal("rows for agents 0, 2 only", error.Found);
        Assert.Equal($"{path}, column 3 'agent': episode 0, t 1 has no row for agent 1; expected a row for every agent 0..2 at every step, found rows for agents 0, 2 only.", error.Message);
    }

    [Fact]
    public void Read_AgentOfExpectedShapeNeverPlays_IsReportedMissing()
    {
        string path = _temp.WriteLines("two-of-three.csv", "episode,t,agent,action", "0,0,0,1", "0,0,1,0");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path, new GameShape(3, 2)));
        Assert.Equal("agent", error.Column);
        Assert.Contains("episode 0, t 0 has no row for agent 2", error.Message);
    }

    [Fact]
    public void Read_RaggedEpisodes_NamesTheOddEpisodeAndBothLengths()
    {
        // Episodes 0 and 2 have 3 steps, episode 1 has 2: the odd one is named even though it is not the first.
        var lines = new List<string> { "episode,t,agent,action" };
        foreach (var (e, steps) in new[] { (0, 3), (1, 2), (2, 3) })
            for (int t = 0; t < steps; t++)
                lines.Add($"{e},{t},0,1");
        string path = _temp.WriteLines("ragged.csv", [.. lines]);
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Null(error.Line);
        Assert.Equal("t", error.Column);
        Assert.Equal("every episode to have 3 steps", error.Expected);
        Assert.Equal("2 steps in episode 1", error.Found);
        Assert.Equal($"{path}, column 2 't': episode 1 has 2 steps (t 0..1) while 2 of 3 episodes have 3; expected every episode to have 3 steps, found 2 steps in episode 1.", error.Message);
    }

    [Fact]
    public void Read_MissingEpisode_NamesTheEpisode()
    {
        string path = _temp.WriteLines("no-episode-1.csv", "episode,t,agent,action", "0,0,0,1", "2,0,0,0");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Equal("episode", error.Column);
        Assert.Equal(1, error.ColumnNumber);
        Assert.Equal("episodes numbered 0..2 without gaps", error.Expected);
        Assert.Equal("none for episode 1", error.Found);
        Assert.Equal($"{path}, column 1 'episode': episode 1 has no rows; expected episodes numbered 0..2 without gaps, found none for episode 1.", error.Message);
    }

    [Fact]
    public void Read_HugeIndex_IsAGapNotAHugeAllocation()
    {
        string path = _temp.WriteLines("huge-t.csv", "episode,t,agent,action", "0,0,0,1", "0,2000000000,0,0");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Equal("none at t 1", error.Found);
    }

    [Fact]
    public void Read_HeaderWithoutRows_SaysThereIsNoData()
    {
        string path = _temp.WriteLines("header-only.csv", "episode,t,agent,action");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Equal(2, error.Line);
        Assert.Equal("at least one data row after the header", error.Expected);
        Assert.Equal("end of file", error.Found);
        Assert.Equal($"{path}, line 2: the file has a header but no data; expected at least one data row after the header, found end of file.", error.Message);
    }

    [Fact]
    public void Read_RowWithTooFewFields_NamesCounts()
    {
        string path = _temp.WriteLines("short.csv", "episode,t,agent,action,reward", "0,0,0,1,0.5", "0,0,1,0");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Equal(3, error.Line);
        Assert.Equal("5 fields like the header", error.Expected);
        Assert.Equal("4", error.Found);
        Assert.Equal($"{path}, line 3: the row does not match the header; expected 5 fields like the header, found 4.", error.Message);
    }

    [Fact]
    public void Read_OnlyActionZero_CannotInferActionsWithoutAShape()
    {
        string path = _temp.WriteLines("zeros.csv", "episode,t,agent,action", "0,0,0,0", "0,0,1,0");
        var error = Assert.Throws<DataFormatException>(() => TrajectoryCsv.Read(path));
        Assert.Equal("action", error.Column);
        Assert.Equal("at least 2 actions (pass the expected game shape)", error.Expected);
        Assert.Equal("only action 0", error.Found);
        Assert.Equal($"{path}, column 4 'action': cannot infer the number of actions (largest action + 1) from data that only use action 0; expected at least 2 actions (pass the expected game shape), found only action 0.", error.Message);
        Assert.Equal(new GameShape(2, 2), TrajectoryCsv.Read(path, new GameShape(2, 2)).Trajectories.Shape);
    }

    [Fact]
    public void Read_ErrorOnTheLastLine_ReturnsNothingHalfLoaded()
    {
        // 999 good rows and one bad one at the very end: the reader must reach it and return no data at all.
        var lines = new List<string> { "episode,t,agent,action" };
        for (int t = 0; t < 999; t++) lines.Add($"0,{t},0,{t % 3}");
        lines.Add("0,999,0,3");
        string path = _temp.WriteLines("late-error.csv", [.. lines]);

        TrajectoryCsvReadResult? result = null;
        var error = Assert.Throws<DataFormatException>(() => result = TrajectoryCsv.Read(path, new GameShape(1, 3)));

        Assert.Null(result);
        Assert.Equal(1001, error.Line);
        Assert.Equal("3", error.Found);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        string path = _temp.File("absent.csv");
        var error = Assert.Throws<FileNotFoundException>(() => TrajectoryCsv.Read(path));
        Assert.Equal(path, error.FileName);
    }

    [Fact]
    public void CheckFitsInMemory_FileTooLarge_SaysSoBeforeReading()
    {
        // 8 GiB of rows could be 2^30 rows of 28 bytes each in memory: 28 GiB against 4 GiB available.
        var error = Assert.Throws<InsufficientMemoryException>(() =>
            TrajectoryCsv.CheckFitsInMemory("big.csv", 8L << 30, 4L << 30));
        Assert.Equal(
            "Cannot load 'big.csv': the file is 8.0 GiB, which can hold up to 1,073,741,824 rows (8 bytes per row at the shortest); " +
            "loading needs about 28 bytes of memory per row, 28.0 GiB in all, but only 4.0 GiB is available to this process. " +
            "Split the file by episode, or load it on a machine with more memory.", error.Message);
        TrajectoryCsv.CheckFitsInMemory("fine.csv", 1L << 20, 4L << 30);
    }
}
