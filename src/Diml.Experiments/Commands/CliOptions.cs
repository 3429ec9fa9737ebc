using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Diml.Experiments.Commands;

/// <summary>
/// Builds options whose values are parsed in the invariant culture and checked as they are parsed, so that a bad
/// value is reported as <c>--name: expected ..., found '...'</c> before any work starts.
/// </summary>
internal static class CliOptions
{
    /// <summary>An integer option with a default, at least <paramref name="minimum"/>.</summary>
    public static Option<int> Int(string name, string description, int defaultValue, int minimum = 1, string? expected = null, int maximum = int.MaxValue)
        => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => ParseInt(result, name, minimum, expected, maximum) ?? 0,
        };

    /// <summary>An optional integer option (null when absent), at least <paramref name="minimum"/>.</summary>
    public static Option<int?> OptionalInt(string name, string description, int minimum = 1, string? expected = null, int maximum = int.MaxValue)
        => new(name)
        {
            Description = description,
            CustomParser = result => ParseInt(result, name, minimum, expected, maximum),
        };

    /// <summary>A seed: a non-negative integer up to 2^64 − 1.</summary>
    public static Option<ulong> Seed(string name, string description, ulong defaultValue = 0)
        => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => ParseSeed(result, name) ?? 0,
        };

    /// <summary>An optional seed (null when absent).</summary>
    public static Option<ulong?> OptionalSeed(string name, string description)
        => new(name) { Description = description, CustomParser = result => ParseSeed(result, name) };

    /// <summary>A real-valued option with a default, checked by <paramref name="isValid"/>.</summary>
    public static Option<double> Double(string name, string description, double defaultValue, Func<double, bool> isValid, string expected)
        => new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => ParseDouble(result, name, isValid, expected) ?? 0,
        };

    /// <summary>An optional real-valued option (null when absent), checked by <paramref name="isValid"/>.</summary>
    public static Option<double?> OptionalDouble(string name, string description, Func<double, bool> isValid, string expected)
        => new(name)
        {
            Description = description,
            CustomParser = result => ParseDouble(result, name, isValid, expected),
        };

    /// <summary>A file path option.</summary>
    public static Option<string> File(string name, string description, bool required)
        => new(name) { Description = description, Required = required };

    /// <summary>
    /// <c>--cf-streams common|independent</c>: whether the counterfactual simulations under the estimate share the truth's
    /// random streams (docs/cli.md, "Recovery metrics").
    /// </summary>
    public static Option<Diml.Evaluation.SimulationStreams> CfStreams() => new("--cf-streams")
    {
        Description = "common: the estimate's counterfactual simulations share the truth's random numbers (a perfect model scores 0); independent: they draw their own, as the reference's do (a perfect model scores about cfkl_floor)",
        HelpName = "common|independent",
        DefaultValueFactory = _ => Diml.Evaluation.SimulationStreams.Common,
        CustomParser = result =>
        {
            string token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (token.Equals("common", StringComparison.OrdinalIgnoreCase)) return Diml.Evaluation.SimulationStreams.Common;
            if (token.Equals("independent", StringComparison.OrdinalIgnoreCase)) return Diml.Evaluation.SimulationStreams.Independent;
            result.AddError($"--cf-streams: expected common or independent, found '{Diml.IO.MessageText.Escape(token)}'.");
            return Diml.Evaluation.SimulationStreams.Common;
        },
    };

    /// <summary>The worker-thread option every heavy command takes.</summary>
    public static Option<int> Threads() =>
        Int("--threads", "worker threads (results do not depend on it)", Math.Max(1, Environment.ProcessorCount));

    /// <summary>The smallest positive normal 32-bit float, 2^-126: smaller values lose precision or become 0 in the fit.</summary>
    internal const double SmallestNormalFloat = 1.1754943508222875E-38;

    private static int? ParseInt(ArgumentResult result, string name, int minimum, string? expected, int maximum)
    {
        string token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) && value >= minimum && value <= maximum)
            return (int)value;
        bool digits = token.Length > 0 && !token.AsSpan().TrimStart('+').ContainsAnyExceptInRange('0', '9');
        string found = $"'{Diml.IO.MessageText.Escape(token)}'";
        if (digits && (value > maximum || !long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name}: expected {expected ?? DescribeMinimum(minimum)} of at most {maximum}, found {found}, which is too large."));
        else result.AddError($"{name}: expected {expected ?? DescribeMinimum(minimum)}, found {found}.");
        return null;
    }

    private static ulong? ParseSeed(ArgumentResult result, string name)
    {
        string token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (ulong.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)) return value;
        result.AddError($"{name}: expected a non-negative integer seed, found '{token}'.");
        return null;
    }

    private static double? ParseDouble(ArgumentResult result, string name, Func<double, bool> isValid, string expected)
    {
        string token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        string found = $"'{Diml.IO.MessageText.Escape(token)}'";
        if (!double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            result.AddError($"{name}: expected {expected}, found {found}.");
            return null;
        }
        // The fit computes in 32-bit floats: a value outside their normal range would become ∞ or 0 there.
        if (Math.Abs(value) > float.MaxValue)
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name}: expected {expected} of magnitude at most {float.MaxValue:R} (the largest 32-bit float), found {found}, which is too large."));
            return null;
        }
        if (value != 0 && Math.Abs(value) < SmallestNormalFloat)
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name}: expected {expected} of magnitude at least {SmallestNormalFloat:R} (the smallest normal 32-bit float) or 0, found {found}, which is too small."));
            return null;
        }
        if (isValid(value)) return value;
        result.AddError($"{name}: expected {expected}, found {found}.");
        return null;
    }

    private static string DescribeMinimum(int minimum) => minimum switch
    {
        0 => "a non-negative integer",
        1 => "a positive integer",
        _ => string.Create(CultureInfo.InvariantCulture, $"an integer of at least {minimum}"),
    };
}
