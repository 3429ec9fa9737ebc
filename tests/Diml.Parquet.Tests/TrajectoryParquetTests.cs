using Diml.Data;
using Parquet;
using Parquet.Schema;

namespace Diml.Parquet.Tests;

public sealed class TrajectoryParquetTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("diml-parquet-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private static Trajectories Plain()
    {
        var random = new Random(3);
        var actions = new int[4 * 5 * 3];
        for (int j = 0; j < actions.Length; j++) actions[j] = random.Next(4);
        return new Trajectories(new GameShape(3, 4), 4, 5, actions, new Dictionary<string, string> { ["mechanism"] = "congestion", ["seed"] = "3" });
    }

    private static Trajectories Grouped()
    {
        const int X = Trajectories.Absent;
        int[] actions = [0, 1, 2, X, 1, X, 0, 2, 2, 1, X, 0];
        int[] groups = [7, 7, 8, X, 7, X, 9, 9, 3, 3, X, 3];
        return new Trajectories(new GameShape(4, 3), 1, 3, actions, groups);
    }

    /// <summary>Writes a Parquet file of the given integer columns (null entries as nulls when <paramref name="nullable"/>), in row groups.</summary>
    private async Task<string> WriteColumns(string name, (string Name, long?[] Values)[] columns, bool nullable = false, int rowGroupSize = int.MaxValue)
    {
        string path = PathOf(name);
        var fields = columns.Select(c => new DataField<long>(c.Name, nullable)).ToArray();
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
        int rows = columns[0].Values.Length;
        for (int start = 0; start < rows; start += rowGroupSize)
        {
            int count = Math.Min(rowGroupSize, rows - start);
            using var rowGroup = writer.CreateRowGroup();
            for (int c = 0; c < columns.Length; c++)
            {
                var part = columns[c].Values.AsSpan(start, count).ToArray();
                if (nullable) await rowGroup.WriteAsync<long>(fields[c], part.AsMemory());
                else await rowGroup.WriteAsync<long>(fields[c], part.Select(v => v!.Value).ToArray().AsMemory());
            }
        }
        return path;
    }

    /// <summary>Episode 0 of 2 agents and 2 steps, as rows of (episode, t, agent, action).</summary>
    private static (string, long?[])[] Rows(params (long? E, long? T, long? I, long? A)[] rows) =>
    [
        ("episode", rows.Select(r => r.E).ToArray()), ("t", rows.Select(r => r.T).ToArray()),
        ("agent", rows.Select(r => r.I).ToArray()), ("action", rows.Select(r => r.A).ToArray()),
    ];

    [Fact]
    public void Write_ThenRead_GivesTheSameTrajectoriesAndMetadata_AsTheCsv()
    {
        var data = Plain();
        TrajectoryParquet.Write(PathOf("d.parquet"), data, rowGroupSize: 7);
        TrajectoryCsv.Write(PathOf("d.csv"), data);

        var read = TrajectoryParquet.Read(PathOf("d.parquet"));
        Assert.True(read.Trajectories.ContentEquals(data));
        Assert.True(read.Trajectories.ContentEquals(TrajectoryCsv.Read(PathOf("d.csv")).Trajectories));
        Assert.Equal("congestion", read.Trajectories.Metadata["mechanism"]);
        Assert.Empty(read.Warnings);
    }

    [Fact]
    public void Write_ThenRead_KeepsGroupsAndAbsences()
    {
        var data = Grouped();
        TrajectoryParquet.Write(PathOf("g.parquet"), data);
        var read = TrajectoryParquet.Read(PathOf("g.parquet"), new GameShape(4, 3)).Trajectories;

        Assert.True(read.HasGroups && read.HasAbsences);
        Assert.Equal(data.AsSpan().ToArray(), read.AsSpan().ToArray());
        Assert.Equal(data.GroupLabels.ToArray(), read.GroupLabels.ToArray());
        Assert.Equal([1, 2, 3], read.GroupSizes);
    }

    [Fact]
    public async Task Read_TakesNullable64BitColumnsInAnyOrder_AndWarnsOfOtherColumns()
    {
        // As pandas/pyarrow write integers: optional int64; rows out of order; an extra column.
        var columns = Rows((0, 1, 1, 0), (0, 0, 0, 1), (0, 1, 0, 1), (0, 0, 1, 0)).Append(("subject", [11L, 12, 11, 12])).ToArray();
        var read = TrajectoryParquet.Read(await WriteColumns("n.parquet", columns, nullable: true));

        Assert.Equal([1, 0, 1, 0], read.Trajectories.AsSpan().ToArray());
        Assert.Contains("column 5 'subject' is not one of episode,t,agent,action,group and was ignored", Assert.Single(read.Warnings));
    }

    [Fact]
    public async Task Read_ANull_IsLocatedByRowGroupRowAndColumn()
    {
        var path = await WriteColumns("null.parquet", Rows((0, 0, 0, 1), (0, 0, 1, 0), (0, 1, 0, 1), (0, 1, 1, null)), nullable: true, rowGroupSize: 3);
        var error = Assert.Throws<DataFormatException>(() => TrajectoryParquet.Read(path));
        Assert.Equal($"{path}, row group 1, row 0, column 4 'action': expected a non-negative integer of at most 2147483647, found null.", error.Message);
        Assert.Equal("row group 1, row 0", error.Place);
    }

    [Fact]
    public async Task Read_AnActionOutsideTheExpectedGame_IsLocated()
    {
        var path = await WriteColumns("range.parquet", Rows((0, 0, 0, 1), (0, 0, 1, 5), (0, 1, 0, 1), (0, 1, 1, 0)));
        var error = Assert.Throws<DataFormatException>(() => TrajectoryParquet.Read(path, new GameShape(2, 3)));
        Assert.Equal($"{path}, row group 0, row 1, column 4 'action': expected an action in 0..2 (the expected shape has 3 actions), found 5.", error.Message);
    }

    [Fact]
    public async Task Read_ADuplicateAcrossRowGroups_NamesBothRows()
    {
        var path = await WriteColumns("dup.parquet", Rows((0, 0, 0, 1), (0, 0, 1, 0), (0, 1, 0, 1), (0, 0, 1, 1)), rowGroupSize: 2);
        var error = Assert.Throws<DataFormatException>(() => TrajectoryParquet.Read(path));
        Assert.Equal($"{path}, row group 1, row 1: duplicate row for episode 0, t 0, agent 1 (row group 0, row 1 and row group 1, row 1); " +
            "expected one row per (episode, t, agent), found a second one at row group 1, row 1, the first at row group 0, row 1.", error.Message);
    }

    [Fact]
    public async Task Read_AMissingRow_IsNamedAsInTheCsv()
    {
        var path = await WriteColumns("gap.parquet", Rows((0, 0, 0, 1), (0, 0, 1, 0), (0, 1, 0, 1)));
        var error = Assert.Throws<DataFormatException>(() => TrajectoryParquet.Read(path));
        Assert.Contains("episode 0, t 1 has no row for agent 1", error.Message);
    }

    [Fact]
    public async Task Read_AMissingColumn_OrAStringColumn_OrAFileThatIsNotParquet_IsAClearError()
    {
        var columns = Rows((0, 0, 0, 1), (0, 1, 0, 0));
        var noAction = await WriteColumns("noaction.parquet", columns[..3]);
        Assert.Equal($"{noAction}, column 'action': the schema has no column 'action'; expected columns named episode,t,agent,action, found episode, t, agent.",
            Assert.Throws<DataFormatException>(() => TrajectoryParquet.Read(noAction)).Message);

        string strings = PathOf("strings.parquet");
        await using (var stream = File.Create(strings))
        {
            var fields = new DataField[] { new DataField<int>("episode"), new DataField<int>("t"), new DataField<int>("agent"), new DataField<string>("action") };
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
            using var rowGroup = writer.CreateRowGroup();
            for (int c = 0; c < 3; c++) await rowGroup.WriteAsync<int>((DataField<int>)fields[c], new[] { 0 }.AsMemory());
            await rowGroup.WriteAsync(fields[3], new[] { "one" });
        }
        Assert.Equal($"{strings}, column 4 'action': expected an integer column (32- or 64-bit, or narrower), found a column of strings.",
            Assert.Throws<DataFormatException>(() => TrajectoryParquet.Read(strings)).Message);

        string csv = PathOf("data.parquet");
        File.WriteAllText(csv, "episode,t,agent,action\n0,0,0,1\n");
        var notParquet = Assert.Throws<DataFormatException>(() => TrajectoryParquet.Read(csv));
        Assert.StartsWith($"{csv}: the file cannot be read as Parquet; expected an Apache Parquet file (it starts and ends with 'PAR1'), found ", notParquet.Message);
    }

    [Fact]
    public void Write_IsAtomic_AndLeavesAnExistingFileWhenItFails()
    {
        string path = PathOf("keep.parquet");
        File.WriteAllText(path, "old");
        var data = new Trajectories(new GameShape(2, 2), 1, 2, [0, 1, 1, 0], new Dictionary<string, string> { ["k"] = "v" });
        Assert.Throws<ArgumentOutOfRangeException>(() => TrajectoryParquet.Write(path, data, rowGroupSize: 0));
        Assert.Equal("old", File.ReadAllText(path));
        TrajectoryParquet.Write(path, data);
        Assert.True(TrajectoryParquet.Read(path).Trajectories.ContentEquals(data));
        Assert.Single(Directory.GetFiles(_folder));
    }

    [Fact]
    public void Read_DamagedFiles_GiveALocatedErrorOrTheData_NeverAnotherException()
    {
        // Truncations and byte changes of a valid file, a few hundred of them, seeded.
        var data = Plain();
        string valid = PathOf("valid.parquet");
        TrajectoryParquet.Write(valid, data, rowGroupSize: 16);
        var bytes = File.ReadAllBytes(valid);
        var random = new Random(11);
        string damaged = PathOf("damaged.parquet");
        int errors = 0;
        for (int trial = 0; trial < 300; trial++)
        {
            var copy = (byte[])bytes.Clone();
            if (trial % 3 == 0) copy = copy[..random.Next(copy.Length)];
            else
                for (int j = 0; j < 1 + random.Next(4); j++) copy[random.Next(copy.Length)] = (byte)random.Next(256);
            File.WriteAllBytes(damaged, copy);
            try
            {
                TrajectoryParquet.Read(damaged);
            }
            catch (DataFormatException e)
            {
                Assert.StartsWith(damaged, e.Message);
                errors++;
            }
        }
        Assert.True(errors > 100, $"only {errors} of 300 damaged files were refused");
    }
}
