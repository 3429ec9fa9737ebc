using Diml.Data;
using Diml.Evaluation.Baselines;
using Diml.Evaluation;
using Diml.Fitting;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// JointBC, behaviour cloning of the next joint action (<see cref="JointBc"/>), in the suite: trained in one go
/// with its own schedule (35 epochs of Adam), then scored on the test episodes — <c>jointbc_acc</c> and its
/// likelihood of the observed actions. It has no payoffs, so the recovery metrics stay empty.
/// </summary>
public sealed class JointBcRunner(string name, ExperimentInstance instance) : IModelRunner
{
    private JointBcModel? _model;

    /// <summary>The runner of <paramref name="name"/> in <paramref name="instance"/>.</summary>
    public static IModelRunner Create(string name, ExperimentInstance instance) => new JointBcRunner(name, instance);

    /// <inheritdoc/>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public int Epochs => 1;

    /// <inheritdoc/>
    public bool Stopped => false;

    /// <inheritdoc/>
    public EpochReport RunEpoch()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        _model = JointBc.Train(instance.Train, new JointBcOptions { Seed = instance.InitSeedFor(Name), Threads = instance.Threads });
        return new EpochReport(1, 1, double.NaN, started.Elapsed.TotalSeconds);
    }

    /// <inheritdoc/>
    public ModelSnapshot Snapshot()
    {
        var model = _model ?? throw new InvalidOperationException("JointBC is evaluated before it is trained.");
        var score = model.Evaluate(instance.Test);
        return new ModelSnapshot(null, () => new Scorer(model), new Dictionary<string, double> { ["jointbc_acc"] = score.Accuracy });
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>−Σ_i log p_i(a[t+1, i] | history up to t) under the cloned policy.</summary>
    private sealed class Scorer(JointBcModel model) : IStepScorer
    {
        private readonly int[] _history = new int[model.HistoryLength * model.Shape.Agents];
        private readonly float[] _logits = new float[model.Outputs];

        public void ScoreEpisode(Trajectories data, int episode, Span<double> nll)
        {
            int n = data.Shape.Agents, a = data.Shape.Actions;
            var actions = data.Episode(episode);
            for (int t = 0; t + 1 < data.Steps; t++)
            {
                JointBcModel.WriteHistory(actions, n, t, _history);
                model.Logits(_history, _logits);
                double total = 0;
                for (int i = 0; i < n; i++)
                {
                    var head = _logits.AsSpan(i * a, a);
                    total -= head[actions[((t + 1) * n) + i]] - Nn.LogSumExp(head);
                }
                nll[t] = total;
            }
        }
    }
}
