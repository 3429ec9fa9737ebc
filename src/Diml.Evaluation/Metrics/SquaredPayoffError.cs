namespace Diml.Evaluation;

/// <summary>Accumulates <c>(M_true(a)_i − M_est(a)_i)²</c> over joint actions and all agents, in double.</summary>
internal sealed class SquaredPayoffError(IPayoffModel truth, IPayoffModel estimate)
{
    private readonly double[] _true = new double[truth.Shape.Agents];
    private readonly double[] _estimated = new double[truth.Shape.Agents];
    private double _sum;
    private long _count;

    /// <summary>Adds every agent's squared error at <paramref name="joint"/>.</summary>
    public void Add(ReadOnlySpan<int> joint)
    {
        truth.Payoffs(joint, _true);
        estimate.Payoffs(joint, _estimated);
        for (int i = 0; i < _true.Length; i++)
        {
            double error = _true[i] - _estimated[i];
            _sum += error * error;
        }
        _count += _true.Length;
    }

    /// <summary>The mean so far (NaN before anything was added).</summary>
    public double Mean => _count == 0 ? double.NaN : _sum / _count;

    /// <summary>The sum of squared errors so far.</summary>
    public double Sum => _sum;

    /// <summary>The number of agent payoffs added so far.</summary>
    public long Count => _count;
}
