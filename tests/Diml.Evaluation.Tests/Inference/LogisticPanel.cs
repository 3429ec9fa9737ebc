using Diml.Evaluation.Inference;

namespace Diml.Evaluation.Tests.Inference;

/// <summary>
/// A likelihood with closed-form derivatives, to test the inference code against: logistic regression on clustered data,
/// <c>y ~ Bernoulli(σ(θᵀx))</c>, Hessian <c>Σ σ(1−σ) x xᵀ</c>. An optional duplicated regressor makes one direction unidentified.
/// </summary>
internal sealed class LogisticPanel : EpisodeLikelihood
{
    private readonly double[][][] _x;   // [episode][row][feature]
    private readonly int[][] _y;
    private readonly string[] _names;

    public LogisticPanel(int episodes, int rows, double[] truth, int seed, bool duplicateFirst = false)
    {
        var random = new Random(seed);
        int features = truth.Length + (duplicateFirst ? 1 : 0);
        _names = Enumerable.Range(0, features).Select(j => $"b[{j}]").ToArray();
        _x = new double[episodes][][];
        _y = new int[episodes][];
        for (int e = 0; e < episodes; e++)
        {
            _x[e] = new double[rows][];
            _y[e] = new int[rows];
            double clusterShift = 0.5 * (random.NextDouble() - 0.5);
            for (int r = 0; r < rows; r++)
            {
                var x = new double[features];
                x[0] = 1;
                for (int j = 1; j < truth.Length; j++) x[j] = (2 * random.NextDouble()) - 1;
                if (duplicateFirst) x[^1] = x[0];
                double eta = clusterShift;
                for (int j = 0; j < truth.Length; j++) eta += truth[j] * x[j];
                _x[e][r] = x;
                _y[e][r] = random.NextDouble() < Sigmoid(eta) ? 1 : 0;
            }
        }
    }

    public override int ParameterCount => _names.Length;
    public override int Episodes => _x.Length;
    public override IReadOnlyList<string> ParameterNames => _names;
    public override int ScoredDecisions(int episode) => _x[episode].Length;

    public override double Nll(ReadOnlySpan<int> episodes, ReadOnlySpan<double> theta, Span<double> gradient)
    {
        CheckTheta(theta, gradient);
        gradient.Clear();
        double nll = 0;
        foreach (int e in episodes)
            for (int r = 0; r < _x[e].Length; r++)
            {
                var x = _x[e][r];
                double eta = 0;
                for (int j = 0; j < x.Length; j++) eta += theta[j] * x[j];
                double p = Sigmoid(eta);
                nll -= _y[e][r] == 1 ? Math.Log(p) : Math.Log(1 - p);
                if (gradient.IsEmpty) continue;
                for (int j = 0; j < x.Length; j++) gradient[j] += (p - _y[e][r]) * x[j];
            }
        return nll;
    }

    /// <summary>The exact Hessian of the total NLL.</summary>
    public double[,] AnalyticHessian(ReadOnlySpan<double> theta)
    {
        int p = ParameterCount;
        var h = new double[p, p];
        for (int e = 0; e < Episodes; e++)
            foreach (var x in _x[e])
            {
                double eta = 0;
                for (int j = 0; j < p; j++) eta += theta[j] * x[j];
                double w = Sigmoid(eta) * (1 - Sigmoid(eta));
                for (int a = 0; a < p; a++)
                    for (int b = 0; b < p; b++) h[a, b] += w * x[a] * x[b];
            }
        return h;
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
