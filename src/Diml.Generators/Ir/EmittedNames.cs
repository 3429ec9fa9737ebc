using System;
using System.Globalization;
using System.Linq;

namespace Diml.Generators.Ir;

/// <summary>
/// Every name the emitted code makes up, in one place: the emitters build names here, and the parser renames
/// user locals that <see cref="IsEmitted"/> would clash with (a '_' suffix).
/// </summary>
internal static class EmittedNames
{
    /// <summary>Parameters and locals of the generated signatures and bodies.</summary>
    public static readonly string[] Reserved = { "theta", "thetaBar", "tape", "resultBar", "q", "count", "arena", "arenaMark", "results", "resultsBar", "runOf", "runLeaders", "runs", "groupOf", "groupLeaders", "groups" };

    /// <summary>Stems of numbered temporaries of the reverse sweep: <c>seed1</c>, <c>argumentBar2</c>, ...</summary>
    public const string Seed = "seed", ArgumentBar = "argumentBar", Tanh = "tanh", Iteration = "iteration", Branch = "branch";

    private static readonly string[] TemporaryStems = { Seed, ArgumentBar, Tanh, Iteration, Branch };

    /// <summary>The adjoint of a local or parameter.</summary>
    public static string Bar(string name) => name + "Bar";

    /// <summary>A working copy of an output's adjoint (the reverse sweep zeroes it where the output is overwritten).</summary>
    public static string BarWork(string name) => name + "BarWork";

    /// <summary>A reassigned scalar parameter's own adjoint, added into the caller's at the end.</summary>
    public static string BarLocal(string name) => name + "BarLocal";

    /// <summary>An input's adjoint, or scratch when the caller passed an empty span.</summary>
    public static string BarOrScratch(string name) => name + "BarOrScratch";

    /// <summary>Where a [Param] field starts in theta.</summary>
    public static string Offset(string field) => Camel(field) + "Offset";

    /// <summary>The row length of a matrix [Param] field.</summary>
    public static string Columns(string field) => Camel(field) + "Columns";

    /// <summary>The per-query row length of a buffer of a batched kernel.</summary>
    public static string Stride(string buffer) => buffer + "Stride";

    public static string LoopStart(int id) => "loop" + id.ToString(CultureInfo.InvariantCulture) + "Start";

    public static string LoopCount(int id) => "loop" + id.ToString(CultureInfo.InvariantCulture) + "Count";

    public static string BranchFlag(int id) => Branch + id.ToString(CultureInfo.InvariantCulture);

    public static string Temporary(string stem, int number) => stem + number.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether a user's local named <paramref name="name"/> could clash with a name built here.</summary>
    public static bool IsEmitted(string name)
    {
        if (name.EndsWith("Stride", StringComparison.Ordinal) || name.EndsWith("Offset", StringComparison.Ordinal) || name.EndsWith("Columns", StringComparison.Ordinal))
            return true;
        if (name.EndsWith("Bar", StringComparison.Ordinal) || name.EndsWith("BarWork", StringComparison.Ordinal)
            || name.EndsWith("BarLocal", StringComparison.Ordinal) || name.EndsWith("BarOrScratch", StringComparison.Ordinal))
            return true;
        foreach (string stem in TemporaryStems)
            if (name.Length > stem.Length && name.StartsWith(stem, StringComparison.Ordinal) && name.Skip(stem.Length).All(char.IsDigit))
                return true;
        if (name.StartsWith("loop", StringComparison.Ordinal) && name.Length > 9
            && (name.EndsWith("Start", StringComparison.Ordinal) || name.EndsWith("Count", StringComparison.Ordinal)))
            return name.Substring(4, name.Length - 9).All(char.IsDigit);
        return false;
    }

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);
}
