namespace Diml;

/// <summary>
/// A model whose learned parameters the runtime handles as one flat vector. Generated for every
/// <see cref="MechanismAttribute"/> class.
/// </summary>
public interface IDifferentiableModel
{
    /// <summary>Name of the model type (the class name).</summary>
    string ModelName { get; }

    /// <summary>Where each parameter field lives in the flat vector; follows the current field shapes.</summary>
    ParameterLayout Layout { get; }

    /// <summary>Copies the parameter fields into <paramref name="destination"/> (length <see cref="ParameterLayout.TotalLength"/>).</summary>
    void ReadParameters(Span<float> destination);

    /// <summary>Copies <paramref name="source"/> into the parameter fields.</summary>
    void WriteParameters(ReadOnlySpan<float> source);

    /// <summary>Fills every parameter field by its <see cref="ParamAttribute.Init"/> scheme.</summary>
    void InitializeParameters(Random random);
}
