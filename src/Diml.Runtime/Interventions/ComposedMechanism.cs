namespace Diml.Interventions;

/// <summary>
/// A fitted mechanism composed with an intervention, <c>M'(a)_i = M̂(a)_i + Δ(a)_i</c> (<see cref="Intervention.Compose"/>).
/// The flat parameter vector is the fitted mechanism's parameters followed by the intervention's, so the adjoint of the
/// composition is the two adjoints side by side. Its kernels, like generated ones, read parameters from <c>theta</c> only.
/// </summary>
public abstract class ComposedMechanism : IMechanism
{
    private protected ComposedMechanism(IMechanism fitted, IMechanism intervention, int actions, PayoffForm form)
    {
        Fitted = fitted;
        InterventionPart = intervention;
        Actions = actions;
        Form = form;
        FittedLength = fitted.Layout.TotalLength;
        var blocks = new List<ParameterBlock>(fitted.Layout.Blocks);
        foreach (var block in intervention.Layout.Blocks)
            blocks.Add(block with { Name = InterventionPrefix + block.Name, Offset = FittedLength + block.Offset });
        Layout = new ParameterLayout(blocks);
    }

    /// <summary>The prefix of the intervention's blocks in <see cref="Layout"/> (the fitted mechanism's keep their names).</summary>
    public const string InterventionPrefix = "intervention.";

    /// <summary>The fitted mechanism <c>M̂</c>.</summary>
    public IMechanism Fitted { get; }

    /// <summary>The intervention <c>Δ</c>.</summary>
    public IMechanism InterventionPart { get; }

    /// <summary>Actions per agent (an anonymous part needs them to count the others' actions).</summary>
    public int Actions { get; }

    /// <summary>How many leading entries of <c>theta</c> are the fitted mechanism's.</summary>
    public int FittedLength { get; }

    /// <inheritdoc/>
    public PayoffForm Form { get; }

    /// <inheritdoc/>
    public string ModelName => $"{Fitted.ModelName}+{InterventionPart.ModelName}";

    /// <inheritdoc/>
    public ParameterLayout Layout { get; }

    /// <summary>
    /// The composition's parameters: <paramref name="fittedTheta"/> (the fitted mechanism's, copied) followed by the
    /// intervention's current field values.
    /// </summary>
    public float[] Parameters(ReadOnlySpan<float> fittedTheta)
    {
        if (fittedTheta.Length != FittedLength)
            throw new ArgumentException($"{nameof(fittedTheta)}: expected {FittedLength} parameters ({Fitted.Layout}), found {fittedTheta.Length}.", nameof(fittedTheta));
        var theta = new float[Layout.TotalLength];
        fittedTheta.CopyTo(theta);
        InterventionPart.ReadParameters(theta.AsSpan(FittedLength));
        return theta;
    }

    /// <inheritdoc/>
    public void ReadParameters(Span<float> destination)
    {
        Fitted.ReadParameters(destination[..FittedLength]);
        InterventionPart.ReadParameters(destination[FittedLength..Layout.TotalLength]);
    }

    /// <inheritdoc/>
    public void WriteParameters(ReadOnlySpan<float> source)
    {
        Fitted.WriteParameters(source[..FittedLength]);
        InterventionPart.WriteParameters(source[FittedLength..Layout.TotalLength]);
    }

    /// <inheritdoc/>
    public void InitializeParameters(Random random)
    {
        Fitted.InitializeParameters(random);
        InterventionPart.InitializeParameters(random);
    }

    /// <inheritdoc/>
    public GradientCheckReport CheckGradients(int agents, int actions, int seed = 1) =>
        GradientSelfCheck.Mechanism(this, agents, actions, seed);

    /// <summary>The fitted mechanism's part of <paramref name="theta"/>.</summary>
    private protected ReadOnlySpan<T> FittedPart<T>(ReadOnlySpan<T> theta) => theta[..FittedLength];

    /// <summary>The intervention's part of <paramref name="theta"/>.</summary>
    private protected ReadOnlySpan<T> InterventionParameters<T>(ReadOnlySpan<T> theta) => theta[FittedLength..];

    /// <summary>The fitted mechanism's part of <paramref name="thetaBar"/>.</summary>
    private protected Span<T> FittedPart<T>(Span<T> thetaBar) => thetaBar[..FittedLength];

    /// <summary>The intervention's part of <paramref name="thetaBar"/>.</summary>
    private protected Span<T> InterventionParameters<T>(Span<T> thetaBar) => thetaBar[FittedLength..];
}
