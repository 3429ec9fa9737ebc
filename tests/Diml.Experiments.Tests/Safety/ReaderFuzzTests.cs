using System.Diagnostics;
using System.Globalization;
using System.Text;
using Diml.Data;
using Diml.Fitting;
using Xunit.Abstractions;

namespace Diml.Experiments.Tests.Safety;

/// <summary>
/// Property-based fuzzing of the two readers: thousands of seeded mutations of valid files (bytes flipped, lines
/// deleted, duplicated or swapped, huge and negative numbers, control characters, other encodings and line ends,
/// JSON members renamed, duplicated or retyped). Every case must end in success or a located error — never
/// another exception — and, through the tool, in exit 0, 1 or 2 with no output file on failure.
/// </summary>
public sealed class ReaderFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    private const int LibraryCases = 3000, ToolCases = 250;

    private static readonly string[] CsvPieces =
        ["0", "1", "7", ",", "\n", "\r", "\r\n", "#", "\"", " ", "-", "\0", "\u001b[31m", "é", "\uFEFF", "x", "99999999999", "2000000000", "255", "256", "#actions=3\n"];

    private static readonly string[] JsonValues =
        ["1e300", "-3", "\"x\"", "null", "1.5", "99999999999", "true", "[]", "{}", "0", "-1e-50", "\"Joint\"", "\"\u0007\""];

    private static string ValidCsv(Random random)
    {
        int episodes = random.Next(1, 4), steps = random.Next(2, 5), agents = random.Next(1, 4), actions = random.Next(2, 5);
        var text = new StringBuilder("#actions=" + actions.ToString(CultureInfo.InvariantCulture) + "\nepisode,t,agent,action\n");
        for (int e = 0; e < episodes; e++)
            for (int t = 0; t < steps; t++)
                for (int i = 0; i < agents; i++)
                    text.Append(CultureInfo.InvariantCulture, $"{e},{t},{i},{random.Next(actions)}\n");
        return text.ToString();
    }

    private static string MutateLines(string text, Random random, Func<Random, string> piece)
    {
        for (int m = random.Next(1, 4); m > 0 && text.Length > 0; m--)
        {
            var lines = text.Split('\n').ToList();
            int at = random.Next(text.Length);
            switch (random.Next(7))
            {
                case 0: text = text[..at] + piece(random) + text[(at + 1)..]; break;
                case 1: text = text[..at] + piece(random) + text[at..]; break;
                case 2: text = text.Remove(at, Math.Min(random.Next(1, 12), text.Length - at)); break;
                case 3: lines.Insert(random.Next(lines.Count), lines[random.Next(lines.Count)]); text = string.Join('\n', lines); break;
                case 4:
                    int a = random.Next(lines.Count), b = random.Next(lines.Count);
                    (lines[a], lines[b]) = (lines[b], lines[a]);
                    text = string.Join('\n', lines);
                    break;
                case 5: lines.RemoveAt(random.Next(lines.Count)); text = string.Join('\n', lines); break;
                default: text = text[..at]; break;
            }
        }
        return text;
    }

    private static byte[] Encode(string text, Random random) => random.Next(12) switch
    {
        0 => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)],
        1 => Encoding.Unicode.GetBytes(text),
        2 => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)],
        3 => Encoding.UTF8.GetBytes(text.Replace("\n", "\r", StringComparison.Ordinal)),
        4 => [.. Encoding.UTF8.GetBytes(text), 0xC3, 0x28, 0xFF],
        _ => Encoding.UTF8.GetBytes(text),
    };

    private string MutatedModel(string valid, Random random)
    {
        string text = valid;
        for (int m = random.Next(1, 3); m > 0; m--)
        {
            var lines = text.Split('\n').ToList();
            int line = random.Next(lines.Count);
            switch (random.Next(6))
            {
                case 0:
                    // Retype a value: everything after the colon of a member line.
                    int colon = lines[line].IndexOf(':', StringComparison.Ordinal);
                    if (colon > 0) lines[line] = lines[line][..(colon + 1)] + " " + JsonValues[random.Next(JsonValues.Length)] + (lines[line].TrimEnd().EndsWith(',') ? "," : "");
                    break;
                case 1: lines.RemoveAt(line); break;
                case 2: lines.Insert(line, lines[random.Next(lines.Count)]); break;
                case 3: lines[line] = lines[line].Replace("\"", "\"z", StringComparison.Ordinal); break;
                case 4:
                    // A number inside the values array.
                    lines[line] = System.Text.RegularExpressions.Regex.Replace(lines[line], "^(\\s*)-?[0-9][0-9.eE+-]*", "${1}" + JsonValues[random.Next(JsonValues.Length)].Replace("$", "$$", StringComparison.Ordinal));
                    break;
                default: return MutateLines(string.Join('\n', lines), random, r => JsonValues[r.Next(JsonValues.Length)]);
            }
            text = string.Join('\n', lines);
        }
        return text;
    }

    private string ValidModel()
    {
        string data = _cli.PathOf("seed.csv"), model = _cli.PathOf("seed.json");
        Assert.Equal(0, _cli.Run("simulate", "--mechanism", "congestion", "--agents", "2", "--actions", "3", "--episodes", "4", "--horizon", "4", "--out", data).ExitCode);
        Assert.Equal(0, _cli.Run("fit", "--data", data, "--mechanism", "congestion", "--epochs", "1", "--batch", "2", "--window", "3", "--threads", "1", "--out", model).ExitCode);
        return File.ReadAllText(model);
    }

    [Fact]
    public void CsvReader_OnThousandsOfMutations_SucceedsOrGivesALocatedError()
    {
        var watch = Stopwatch.StartNew();
        var random = new Random(20261202);
        string path = _cli.PathOf("fuzz.csv");
        int accepted = 0;
        for (int c = 0; c < LibraryCases; c++)
        {
            string text = MutateLines(ValidCsv(random), random, r => CsvPieces[r.Next(CsvPieces.Length)]);
            File.WriteAllBytes(path, Encode(text, random));
            try
            {
                TrajectoryCsv.Read(path);
                accepted++;
            }
            catch (DataFormatException e)
            {
                Assert.True(e.Message.StartsWith(path, StringComparison.Ordinal) && (e.Line is not null || e.Column is not null), $"case {c}: unlocated: {e.Message}");
                Assert.DoesNotContain(e.Message, ch => ch < ' ');
            }
        }
        output.WriteLine($"{LibraryCases} CSV cases ({accepted} accepted) in {watch.Elapsed.TotalSeconds:F2} s");
    }

    [Fact]
    public void ModelReader_OnThousandsOfMutations_SucceedsOrGivesALocatedError()
    {
        string valid = ValidModel();
        var watch = Stopwatch.StartNew();
        var random = new Random(902);
        string path = _cli.PathOf("fuzz.json");
        int accepted = 0;
        for (int c = 0; c < LibraryCases; c++)
        {
            File.WriteAllBytes(path, Encode(MutatedModel(valid, random), random));
            try
            {
                ModelFile.Read(path);
                accepted++;
            }
            catch (ModelFileException e)
            {
                Assert.True(e.Message.StartsWith(path, StringComparison.Ordinal) && (e.JsonPath is not null || e.Line is not null), $"case {c}: unlocated: {e.Message}");
                Assert.DoesNotContain(e.Message, ch => ch < ' ');
            }
        }
        output.WriteLine($"{LibraryCases} model cases ({accepted} accepted) in {watch.Elapsed.TotalSeconds:F2} s");
    }

    [Fact]
    public void Tool_OnMutatedInputs_ExitsZeroOneOrTwo_AndWritesNothingOnFailure()
    {
        string valid = ValidModel();
        var watch = Stopwatch.StartNew();
        var random = new Random(77);
        string csv = _cli.PathOf("in.csv"), json = _cli.PathOf("in.json"), model = _cli.PathOf("out.json"), trajectories = _cli.PathOf("out.csv");
        var codes = new Dictionary<int, int>();
        for (int c = 0; c < 2 * ToolCases; c++)
        {
            bool isCsv = c % 2 == 0;
            string[] args;
            if (isCsv)
            {
                File.WriteAllBytes(csv, Encode(MutateLines(ValidCsv(random), random, r => CsvPieces[r.Next(CsvPieces.Length)]), random));
                args = ["fit", "--data", csv, "--mechanism", "congestion", "--epochs", "1", "--batch", "2", "--window", "2", "--train-fraction", "1", "--threads", "1", "--out", model];
            }
            else
            {
                File.WriteAllBytes(json, Encode(MutatedModel(valid, random), random));
                args = ["counterfactual", "--model", json, "--episodes", "1", "--horizon", "2", "--threads", "1", "--out", trajectories];
            }
            var run = _cli.Run(args);
            codes[run.ExitCode] = codes.GetValueOrDefault(run.ExitCode) + 1;
            Assert.True(run.ExitCode is 0 or 1 or 2, $"case {c}: exit {run.ExitCode}: {run.Error}");
            string written = isCsv ? model : trajectories;
            if (run.ExitCode != 0)
            {
                Assert.False(File.Exists(written), $"case {c}: {written} written by a failed run: {run.Error}");
                Assert.Single(run.ErrorLines);
            }
            File.Delete(written);
            Assert.DoesNotContain(_cli.Files(), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        }
        output.WriteLine($"{2 * ToolCases} tool cases in {watch.Elapsed.TotalSeconds:F2} s; exit codes {string.Join(", ", codes.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}"))}");
    }
}
