namespace Diml.Fitting;

/// <summary>A fit cannot resume from a checkpoint because settings differ (<see cref="Differences"/>).</summary>
public sealed class CheckpointMismatchException(string path, IReadOnlyList<CheckpointDifference> differences)
    : ArgumentException(Diml.IO.MessageText.Escape($"{path}: the checkpoint was written by a fit with other settings; expected the same settings, found " +
        string.Join("; ", differences.Select(d => $"{d.Name} {d.CurrentValue} (checkpoint: {d.CheckpointValue})")) + "."))
{
    /// <summary>The checkpoint file.</summary>
    public string Path { get; } = path;

    /// <summary>What differs.</summary>
    public IReadOnlyList<CheckpointDifference> Differences { get; } = differences;
}
