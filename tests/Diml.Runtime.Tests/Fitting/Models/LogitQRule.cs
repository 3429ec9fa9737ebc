using System.Numerics;

namespace Diml.Tests.Fitting.Models;

/// <summary>
/// Hand-written Logit-Q learner (stand-in for the generated one): state = Q (one value per action),
/// <c>next = (1−α)·q + α·u</c>, <c>log π = log((1−ε)·softmax(β·q) + ε/A)</c>.
/// </summary>
public sealed class LogitQRule(double alpha, double beta, double epsilon) : ILearningRule
{
    public double Alpha { get; } = alpha;
    public double Beta { get; } = beta;
    public double Epsilon { get; } = epsilon;

    public string RuleName => "LogitQ";

    public IReadOnlyDictionary<string, double> Hyperparameters => new Dictionary<string, double>
    {
        ["alpha"] = Alpha, ["beta"] = Beta, ["epsilon"] = Epsilon,
    };

    public int StateSize(int actions) => actions;

    public void InitialState(Span<float> state) => state.Clear();

    public void Update(ReadOnlySpan<float> state, ReadOnlySpan<float> payoffs, Span<float> next) => Update<float>(state, payoffs, next);
    public void Update(ReadOnlySpan<double> state, ReadOnlySpan<double> payoffs, Span<double> next) => Update<double>(state, payoffs, next);
    public void UpdateAdjoint(ReadOnlySpan<float> state, ReadOnlySpan<float> payoffs, ReadOnlySpan<float> nextBar, Span<float> stateBar, Span<float> payoffsBar)
        => UpdateAdjoint<float>(nextBar, stateBar, payoffsBar);
    public void UpdateAdjoint(ReadOnlySpan<double> state, ReadOnlySpan<double> payoffs, ReadOnlySpan<double> nextBar, Span<double> stateBar, Span<double> payoffsBar)
        => UpdateAdjoint<double>(nextBar, stateBar, payoffsBar);
    public void Response(ReadOnlySpan<float> state, Span<float> logPolicy) => Response<float>(state, logPolicy);
    public void Response(ReadOnlySpan<double> state, Span<double> logPolicy) => Response<double>(state, logPolicy);
    public void ResponseAdjoint(ReadOnlySpan<float> state, ReadOnlySpan<float> logPolicyBar, Span<float> stateBar) => ResponseAdjoint<float>(state, logPolicyBar, stateBar);
    public void ResponseAdjoint(ReadOnlySpan<double> state, ReadOnlySpan<double> logPolicyBar, Span<double> stateBar) => ResponseAdjoint<double>(state, logPolicyBar, stateBar);

    private void Update<T>(ReadOnlySpan<T> q, ReadOnlySpan<T> u, Span<T> next) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T a = T.CreateTruncating(Alpha), keep = T.One - a;
        for (int k = 0; k < q.Length; k++) next[k] = (keep * q[k]) + (a * u[k]);
    }

    private void UpdateAdjoint<T>(ReadOnlySpan<T> nextBar, Span<T> qBar, Span<T> uBar) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T a = T.CreateTruncating(Alpha), keep = T.One - a;
        for (int k = 0; k < nextBar.Length; k++)
        {
            qBar[k] += keep * nextBar[k];
            uBar[k] += a * nextBar[k];
        }
    }

    /// <summary>softmax(β·q) into <paramref name="soft"/>.</summary>
    private void Softmax<T>(ReadOnlySpan<T> q, Span<T> soft) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T beta = T.CreateTruncating(Beta);
        T max = T.NegativeInfinity;
        for (int k = 0; k < q.Length; k++) max = T.Max(max, beta * q[k]);
        T sum = T.Zero;
        for (int k = 0; k < q.Length; k++) { soft[k] = T.Exp((beta * q[k]) - max); sum += soft[k]; }
        for (int k = 0; k < q.Length; k++) soft[k] /= sum;
    }

    private void Response<T>(ReadOnlySpan<T> q, Span<T> logPolicy) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = q.Length;
        Span<T> soft = stackalloc T[n];
        Softmax(q, soft);
        T mix = T.One - T.CreateTruncating(Epsilon), floor = T.CreateTruncating(Epsilon / n);
        for (int k = 0; k < n; k++) logPolicy[k] = T.Log((mix * soft[k]) + floor);
    }

    private void ResponseAdjoint<T>(ReadOnlySpan<T> q, ReadOnlySpan<T> logPolicyBar, Span<T> qBar) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = q.Length;
        Span<T> soft = stackalloc T[n];
        Softmax(q, soft);
        T mix = T.One - T.CreateTruncating(Epsilon), floor = T.CreateTruncating(Epsilon / n), beta = T.CreateTruncating(Beta);
        // d log π_k / d q_j = β (1−ε) s_k (δ_kj − s_j) / π_k; with w_k = ḡ_k (1−ε) s_k / π_k: q̄_j += β (w_j − s_j Σ w).
        Span<T> w = stackalloc T[n];
        T total = T.Zero;
        for (int k = 0; k < n; k++)
        {
            w[k] = logPolicyBar[k] * mix * soft[k] / ((mix * soft[k]) + floor);
            total += w[k];
        }
        for (int j = 0; j < n; j++) qBar[j] += beta * (w[j] - (soft[j] * total));
    }

    public GradientCheckReport CheckGradients(int actions, int seed = 1)
    {
        var random = new Random(seed);
        var point = new double[2 * actions];
        for (int j = 0; j < point.Length; j++) point[j] = (random.NextDouble() * 2) - 1;
        return GradientCheckReport.Combine(RuleName, [
            GradientCheck.Run(new LearnerFunction(this, actions, response: false), point, seed),
            GradientCheck.Run(new LearnerFunction(this, actions, response: true), point.AsSpan(0, actions), seed),
        ]);
    }
}
