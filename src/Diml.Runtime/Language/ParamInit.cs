namespace Diml;

/// <summary>Initialisation schemes for <see cref="ParamAttribute"/> fields.</summary>
public enum ParamInit
{
    /// <summary>Keep the values the constructor wrote.</summary>
    Keep,
    /// <summary>All zeros.</summary>
    Zeros,
    /// <summary>Standard normal, as PyTorch initialises embeddings.</summary>
    StandardNormal,
    /// <summary>
    /// Uniform on ±1/√fan_in, where fan_in is the number of columns (PyTorch's default for linear layers,
    /// weights and biases alike). For a bias vector the fan-in is taken from the weight matrix declared
    /// just before it.
    /// </summary>
    FanInUniform,
}
