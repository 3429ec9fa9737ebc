using System.CommandLine;
using System.Globalization;
using Diml.Data;
using Diml.Mechanisms;

namespace Diml.Experiments.Commands;

/// <summary><c>--mechanism NAME</c> and <c>--hidden N</c>, resolved against <see cref="MechanismCatalog"/>.</summary>
internal sealed class MechanismOptions
{
    private readonly Option<string> _mechanism;
    private readonly Option<int?> _hidden = CliOptions.OptionalInt("--hidden",
        "hidden units per layer of a neural mechanism (default: " + string.Join(", ", MechanismCatalog.Entries
            .Where(e => e.HasHiddenLayers).Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Name} {e.DefaultHidden}"))) + ")");

    public MechanismOptions(string description)
    {
        _mechanism = new Option<string>("--mechanism") { Description = $"{description}; one of {MechanismCatalog.NameList}", Required = true };
    }

    public void AddTo(Command command)
    {
        command.Options.Add(_mechanism);
        command.Options.Add(_hidden);
    }

    /// <summary>The catalogued family and its settings; a usage error for an unknown name or an inapplicable <c>--hidden</c>.</summary>
    public (MechanismEntry Entry, MechanismSettings Settings) Resolve(ParseResult parse)
    {
        string name = parse.GetValue(_mechanism) ?? "";
        var entry = MechanismCatalog.Find(name)
            ?? throw CliException.Usage($"--mechanism: expected one of {MechanismCatalog.NameList}, found '{name}'.");
        int? hidden = parse.GetValue(_hidden);
        if (hidden is not null && !entry.HasHiddenLayers)
            throw CliException.Usage($"--hidden: mechanism {entry.Name} has no hidden layers; expected no --hidden, found --hidden {hidden.Value.ToString(CultureInfo.InvariantCulture)}.");
        return (entry, new MechanismSettings(hidden ?? entry.DefaultHidden));
    }

    /// <summary>Builds the mechanism; a usage error when the shape does not suit it.</summary>
    public static IMechanism Create(MechanismEntry entry, GameShape shape, MechanismSettings settings)
    {
        try
        {
            return entry.Create(shape, settings);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw CliException.Usage($"--mechanism {entry.Name}: cannot be built for {shape} with {settings}: {CliFiles.OneLine(e.Message)}");
        }
    }
}
