using System.Numerics;

namespace Diml.Tests.Fitting.Models;

/// <summary>
/// A small anonymous mechanism: <c>payoff(k, c) = Σ_j E[k,j]·tanh(Σ_m W[j,m]·x_m) + b[k]</c> with
/// <c>x = c / Σc</c> the normalised opponent counts — own-action embedding × a feature of the counts.
/// </summary>
public sealed class LinearAnonymousMechanism : HandWrittenMechanism, IAnonymousMechanism
{
    private readonly int _actions, _features;

    public LinearAnonymousMechanism(int actions, int features = 3)
        : base("LinearAnonymous", PayoffForm.Anonymous, new ParameterLayout([
            new ParameterBlock("E", 2, actions, features, 0),
            new ParameterBlock("W", 2, features, actions, actions * features),
            new ParameterBlock("b", 1, actions, 1, 2 * actions * features)]))
    {
        _actions = actions;
        _features = features;
    }

    public float Payoff(ReadOnlySpan<float> theta, int ownAction, ReadOnlySpan<int> opponentCounts) => Payoff<float>(theta, ownAction, opponentCounts);
    public double Payoff(ReadOnlySpan<double> theta, int ownAction, ReadOnlySpan<int> opponentCounts) => Payoff<double>(theta, ownAction, opponentCounts);
    public void PayoffAdjoint(ReadOnlySpan<float> theta, int ownAction, ReadOnlySpan<int> opponentCounts, float payoffBar, Span<float> thetaBar)
        => Adjoint(theta, ownAction, opponentCounts, payoffBar, thetaBar);
    public void PayoffAdjoint(ReadOnlySpan<double> theta, int ownAction, ReadOnlySpan<int> opponentCounts, double payoffBar, Span<double> thetaBar)
        => Adjoint(theta, ownAction, opponentCounts, payoffBar, thetaBar);

    private T Feature<T>(ReadOnlySpan<T> theta, ReadOnlySpan<int> counts, int j, out T x0) where T : IFloatingPointIeee754<T>
    {
        int total = 0;
        foreach (int c in counts) total += c;
        T inverse = total == 0 ? T.Zero : T.One / T.CreateTruncating(total);
        var w = theta.Slice((_actions * _features) + (j * _actions), _actions);
        T h = T.Zero;
        for (int m = 0; m < _actions; m++) h += w[m] * T.CreateTruncating(counts[m]) * inverse;
        x0 = inverse;
        return T.Tanh(h);
    }

    private T Payoff<T>(ReadOnlySpan<T> theta, int k, ReadOnlySpan<int> counts) where T : IFloatingPointIeee754<T>
    {
        T payoff = theta[(2 * _actions * _features) + k];
        for (int j = 0; j < _features; j++) payoff += theta[(k * _features) + j] * Feature(theta, counts, j, out _);
        return payoff;
    }

    private void Adjoint<T>(ReadOnlySpan<T> theta, int k, ReadOnlySpan<int> counts, T payoffBar, Span<T> thetaBar) where T : IFloatingPointIeee754<T>
    {
        thetaBar[(2 * _actions * _features) + k] += payoffBar;
        for (int j = 0; j < _features; j++)
        {
            T f = Feature(theta, counts, j, out T inverse);
            thetaBar[(k * _features) + j] += payoffBar * f;
            // d tanh(h) = 1 − tanh(h)²; h = Σ_m W[j,m]·x_m.
            T hBar = payoffBar * theta[(k * _features) + j] * (T.One - (f * f));
            var wBar = thetaBar.Slice((_actions * _features) + (j * _actions), _actions);
            for (int m = 0; m < _actions; m++) wBar[m] += hBar * T.CreateTruncating(counts[m]) * inverse;
        }
    }
}
