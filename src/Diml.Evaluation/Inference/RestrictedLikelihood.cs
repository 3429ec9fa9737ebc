namespace Diml.Evaluation.Inference;

/// <summary>
/// A likelihood with some parameters held at fixed values: the restricted model of a likelihood-ratio test
/// (<see cref="ModelComparison.LikelihoodRatio"/>), whose free parameters are the others, in order.
/// </summary>
public sealed class RestrictedLikelihood : EpisodeLikelihood
{
    private readonly EpisodeLikelihood _full;
    private readonly int[] _free;
    private readonly double[] _fixedValues;
    private readonly string[] _names;
    private readonly double[] _theta, _gradient;

    /// <summary>
    /// <paramref name="full"/> with parameter <c>fixedIndices[j]</c> held at <c>fixedValues[j]</c>.
    /// </summary>
    public RestrictedLikelihood(EpisodeLikelihood full, IReadOnlyList<int> fixedIndices, IReadOnlyList<double> fixedValues)
    {
        ArgumentNullException.ThrowIfNull(full);
        ArgumentNullException.ThrowIfNull(fixedIndices);
        ArgumentNullException.ThrowIfNull(fixedValues);
        if (fixedIndices.Count != fixedValues.Count)
            throw new ArgumentException($"{nameof(fixedValues)}: expected one value per fixed index ({fixedIndices.Count}), found {fixedValues.Count}.", nameof(fixedValues));
        var isFixed = new bool[full.ParameterCount];
        _fixedValues = new double[full.ParameterCount];
        for (int j = 0; j < fixedIndices.Count; j++)
        {
            int index = fixedIndices[j];
            if ((uint)index >= (uint)full.ParameterCount || isFixed[index])
                throw new ArgumentOutOfRangeException(nameof(fixedIndices), index, $"{nameof(fixedIndices)}: expected distinct indices in 0..{full.ParameterCount - 1}, found {index}.");
            isFixed[index] = true;
            _fixedValues[index] = fixedValues[j];
        }
        _full = full;
        _free = Enumerable.Range(0, full.ParameterCount).Where(j => !isFixed[j]).ToArray();
        _names = _free.Select(j => full.ParameterNames[j]).ToArray();
        _theta = (double[])_fixedValues.Clone();
        _gradient = new double[full.ParameterCount];
    }

    /// <summary>The full parameter vector of free values <paramref name="free"/>.</summary>
    public double[] Expand(ReadOnlySpan<double> free)
    {
        var theta = (double[])_fixedValues.Clone();
        for (int j = 0; j < _free.Length; j++) theta[_free[j]] = free[j];
        return theta;
    }

    /// <summary>The free values of a full parameter vector.</summary>
    public double[] Restrict(ReadOnlySpan<double> theta)
    {
        var free = new double[_free.Length];
        for (int j = 0; j < free.Length; j++) free[j] = theta[_free[j]];
        return free;
    }

    /// <inheritdoc/>
    public override int ParameterCount => _free.Length;

    /// <inheritdoc/>
    public override int Episodes => _full.Episodes;

    /// <inheritdoc/>
    public override IReadOnlyList<string> ParameterNames => _names;

    /// <inheritdoc/>
    public override int ScoredDecisions(int episode) => _full.ScoredDecisions(episode);

    /// <inheritdoc/>
    public override double Nll(ReadOnlySpan<int> episodes, ReadOnlySpan<double> theta, Span<double> gradient)
    {
        CheckTheta(theta, gradient);
        for (int j = 0; j < _free.Length; j++) _theta[_free[j]] = theta[j];
        double nll = _full.Nll(episodes, _theta, gradient.IsEmpty ? Span<double>.Empty : _gradient);
        for (int j = 0; j < gradient.Length; j++) gradient[j] = _gradient[_free[j]];
        return nll;
    }
}
