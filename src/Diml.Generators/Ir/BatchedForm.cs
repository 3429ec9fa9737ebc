namespace Diml.Generators.Ir;

/// <summary>How a primitive runs in a batched kernel; the members mirror the runtime's <c>BatchForm</c>, by name.</summary>
internal enum BatchedForm
{
    /// <summary>Once per query.</summary>
    None,
    /// <summary>A dense layer: one matrix-matrix product over the queries.</summary>
    Dense,
    /// <summary>Elementwise: once over whole buffers.</summary>
    Elementwise,
}
