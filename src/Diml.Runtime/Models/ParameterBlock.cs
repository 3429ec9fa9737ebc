namespace Diml;

/// <summary>
/// One parameter field in a flat parameter vector. A scalar has <see cref="Rank"/> 0 (rows = cols = 1), a
/// vector rank 1 (cols = 1), a matrix rank 2, stored row-major.
/// </summary>
public readonly record struct ParameterBlock(string Name, int Rank, int Rows, int Cols, int Offset)
{
    /// <summary>Number of floats in the block.</summary>
    public int Length => Rows * Cols;

    /// <summary>Where the block's values may lie (<see cref="ParamAttribute.Range"/>); <see cref="ParamRange.Real"/> for mechanisms.</summary>
    public ParamRange Range { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Rank switch
    {
        0 => Name,
        1 => FormattableString.Invariant($"{Name}[{Rows}]"),
        _ => FormattableString.Invariant($"{Name}[{Rows},{Cols}]"),
    };
}
