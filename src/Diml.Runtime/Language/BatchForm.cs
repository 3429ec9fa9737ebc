namespace Diml;

/// <summary>How a primitive with a <see cref="CustomAdjointAttribute"/> runs over a batch of queries.</summary>
public enum BatchForm
{
    /// <summary>One call per query.</summary>
    None,
    /// <summary>
    /// A dense layer <c>(weights, [bias,] input, output)</c>: over a batch it becomes one matrix–matrix product
    /// (<see cref="Kernels.BatchedDense"/>).
    /// </summary>
    Dense,
    /// <summary>Maps its span arguments element by element, so one call over whole buffers serves every query.</summary>
    Elementwise,
}
