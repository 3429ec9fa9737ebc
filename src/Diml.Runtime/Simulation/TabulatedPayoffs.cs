using Diml.Data;

namespace Diml.Simulation;

/// <summary>A mechanism's payoffs read from its <see cref="PayoffTable"/> (small games); shared tables, one instance per thread.</summary>
internal sealed class TabulatedPayoffs(PayoffTable table, GameShape shape) : IPayoffModel, IFloatCounterfactuals
{
    private readonly float[] _row = new float[shape.Agents];
    private readonly float[] _counterfactual = new float[shape.Agents * shape.Actions];

    public GameShape Shape => shape;

    public void Payoffs(ReadOnlySpan<int> joint, Span<double> payoffs)
    {
        table.Payoffs(joint, _row);
        for (int i = 0; i < _row.Length; i++) payoffs[i] = _row[i];
    }

    public double Payoff(ReadOnlySpan<int> joint, int agent)
    {
        table.Payoffs(joint, _row);
        return _row[agent];
    }

    public void CounterfactualPayoffs(ReadOnlySpan<int> joint, Span<double> payoffs)
    {
        table.Counterfactual(joint, shape.Actions, _counterfactual);
        for (int j = 0; j < _counterfactual.Length; j++) payoffs[j] = _counterfactual[j];
    }

    void IFloatCounterfactuals.CounterfactualPayoffs(ReadOnlySpan<int> joint, Span<float> payoffs) =>
        table.Counterfactual(joint, shape.Actions, payoffs);
}
