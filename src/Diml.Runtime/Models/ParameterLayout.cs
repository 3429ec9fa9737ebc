namespace Diml;

/// <summary>
/// Where each <see cref="ParamAttribute"/> field lives in a model's flat parameter vector: fields in
/// declaration order, each stored row-major.
/// </summary>
public sealed class ParameterLayout
{
    public ParameterLayout(IReadOnlyList<ParameterBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        int offset = 0;
        for (int i = 0; i < blocks.Count; i++)
        {
            if (blocks[i].Offset != offset)
                throw new ArgumentException($"Parameter block '{blocks[i].Name}' starts at {blocks[i].Offset}; expected {offset} (blocks must be contiguous, in order).", nameof(blocks));
            offset += blocks[i].Length;
        }
        Blocks = blocks;
        TotalLength = offset;
    }

    /// <summary>The parameter fields, in declaration order.</summary>
    public IReadOnlyList<ParameterBlock> Blocks { get; }

    /// <summary>Number of floats in the flat parameter vector.</summary>
    public int TotalLength { get; }

    /// <summary>The block named <paramref name="name"/>.</summary>
    public ParameterBlock this[string name]
    {
        get
        {
            foreach (var block in Blocks)
                if (block.Name == name) return block;
            throw new KeyNotFoundException($"No parameter named '{name}'.");
        }
    }

    /// <summary>A readable shape such as <c>W1[128,18], b1[128]</c>.</summary>
    public override string ToString() => string.Join(", ", Blocks);
}
