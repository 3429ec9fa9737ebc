using System.Globalization;
using Diml.Data;

namespace Diml.Evaluation.Baselines;

/// <summary>
/// A JointBC network (<see cref="JointBcNetwork"/>) with its weights: predicts the next joint action from the last
/// <see cref="HistoryLength"/> joint actions. The weights live in one flat vector, <c>w1, b1, w2, b2, w3, b3</c> in
/// that order, each row-major.
/// </summary>
public sealed class JointBcModel
{
    private readonly float[] _parameters;

    /// <summary>A network for games of <paramref name="shape"/> with all weights zero.</summary>
    public JointBcModel(GameShape shape, int historyLength, int hidden)
    {
        if (shape.Agents < 1 || shape.Actions < 2)
            throw new ArgumentException($"{nameof(shape)}: expected a valid game shape; found {shape}.", nameof(shape));
        ArgumentOutOfRangeException.ThrowIfLessThan(historyLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        Shape = shape;
        HistoryLength = historyLength;
        Hidden = hidden;
        Inputs = checked(historyLength * shape.Agents * shape.Actions);
        Outputs = checked(shape.Agents * shape.Actions);
        _parameters = new float[checked(hidden * Inputs + hidden + hidden * hidden + hidden + Outputs * hidden + Outputs)];
    }

    /// <summary>The game the network predicts.</summary>
    public GameShape Shape { get; }

    /// <summary>Joint actions of history in the input (H).</summary>
    public int HistoryLength { get; }

    /// <summary>Width of each hidden layer.</summary>
    public int Hidden { get; }

    /// <summary>Input features, <c>H·n·A</c>.</summary>
    public int Inputs { get; }

    /// <summary>Logits, <c>n·A</c>: one head of A per agent.</summary>
    public int Outputs { get; }

    /// <summary>All weights, flat (see the class remarks for the order).</summary>
    public Span<float> Parameters => _parameters;

    /// <summary>
    /// Draws the weights as PyTorch initialises <c>nn.Linear</c>: weights and biases uniform on ±1/√fan_in, layer by
    /// layer, weights before biases.
    /// </summary>
    public void Initialize(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<float> p = _parameters;
        int offset = 0;
        InitializeLayer(p, ref offset, Hidden, Inputs, random);
        InitializeLayer(p, ref offset, Hidden, Hidden, random);
        InitializeLayer(p, ref offset, Outputs, Hidden, random);

        static void InitializeLayer(Span<float> p, ref int offset, int outputs, int inputs, Random random)
        {
            float bound = ParameterInitializer.FanInBound(inputs);
            ParameterInitializer.FillUniform(p.Slice(offset, outputs * inputs), bound, random);
            offset += outputs * inputs;
            ParameterInitializer.FillUniform(p.Slice(offset, outputs), bound, random);
            offset += outputs;
        }
    }

    /// <summary>The six weight blocks of <paramref name="parameters"/> (a vector laid out as <see cref="Parameters"/>).</summary>
    public Blocks Split(Span<float> parameters)
    {
        if (parameters.Length != _parameters.Length)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{nameof(parameters)}: expected {_parameters.Length} entries; found {parameters.Length}."), nameof(parameters));
        int h = Hidden, offset = 0;
        var w1 = parameters.Slice(offset, h * Inputs); offset += h * Inputs;
        var b1 = parameters.Slice(offset, h); offset += h;
        var w2 = parameters.Slice(offset, h * h); offset += h * h;
        var b2 = parameters.Slice(offset, h); offset += h;
        var w3 = parameters.Slice(offset, Outputs * h); offset += Outputs * h;
        var b3 = parameters.Slice(offset, Outputs);
        return new Blocks(w1, b1, w2, b2, w3, b3);
    }

    /// <summary>The weight blocks of a flat vector, as the kernel takes them.</summary>
    public readonly ref struct Blocks(Span<float> w1, Span<float> b1, Span<float> w2, Span<float> b2, Span<float> w3, Span<float> b3)
    {
        public Span<float> W1 { get; } = w1;
        public Span<float> B1 { get; } = b1;
        public Span<float> W2 { get; } = w2;
        public Span<float> B2 { get; } = b2;
        public Span<float> W3 { get; } = w3;
        public Span<float> B3 { get; } = b3;
    }

    /// <summary>
    /// Writes the network's input for predicting step <c>t + 1</c> of an episode: the joint actions of steps
    /// <c>t − H + 1 .. t</c>, chronologically, <c>−1</c> for steps before the episode began.
    /// </summary>
    /// <param name="episode">The episode's actions, row-major <c>[t, i]</c> (<see cref="Trajectories.Episode"/>).</param>
    /// <param name="agents">n.</param>
    /// <param name="t">The last step of the history.</param>
    /// <param name="history">Output, <c>H·n</c> entries.</param>
    public static void WriteHistory(ReadOnlySpan<int> episode, int agents, int t, Span<int> history)
    {
        int length = history.Length / agents;
        for (int s = 0; s < length; s++)
        {
            int step = t - length + 1 + s;
            var slot = history.Slice(s * agents, agents);
            if (step < 0) slot.Fill(-1);
            else episode.Slice(step * agents, agents).CopyTo(slot);
        }
    }

    /// <summary>The logits of the next joint action given <paramref name="history"/> (see <see cref="WriteHistory"/>).</summary>
    public void Logits(ReadOnlySpan<int> history, Span<float> logits)
    {
        if (history.Length != HistoryLength * Shape.Agents)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{nameof(history)}: expected {HistoryLength * Shape.Agents} actions; found {history.Length}."), nameof(history));
        if (logits.Length != Outputs)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{nameof(logits)}: expected {Outputs} entries; found {logits.Length}."), nameof(logits));
        var w = Split(_parameters);
        JointBcNetwork.Logits(w.W1, w.B1, w.W2, w.B2, w.W3, w.B3, history, Shape.Actions, logits);
    }

    /// <summary>
    /// Scores the prediction of every transition <c>t → t + 1</c> of <paramref name="data"/> (the test episodes):
    /// <c>jointbc_acc</c> (arg-max, the smallest action on ties) and the NLL per agent-step.
    /// </summary>
    public JointBcScore Evaluate(Trajectories data)
    {
        ArgumentNullException.ThrowIfNull(data);
        data.RequireFullPlay("the JointBC baseline");
        if (data.Shape != Shape)
            throw new ArgumentException($"{nameof(data)}: expected a game of {Shape}; found {data.Shape}.", nameof(data));
        int n = Shape.Agents, a = Shape.Actions;
        var history = new int[HistoryLength * n];
        var logits = new float[Outputs];
        long correct = 0, scored = 0;
        double nll = 0;
        for (int e = 0; e < data.Episodes; e++)
        {
            var episode = data.Episode(e);
            for (int t = 0; t + 1 < data.Steps; t++)
            {
                WriteHistory(episode, n, t, history);
                Logits(history, logits);
                var next = data.Step(e, t + 1);
                for (int i = 0; i < n; i++)
                {
                    var head = logits.AsSpan(i * a, a);
                    int best = 0;
                    for (int k = 1; k < a; k++)
                        if (head[k] > head[best]) best = k;
                    if (best == next[i]) correct++;
                    nll += Nn.LogSumExp(head) - head[next[i]];
                    scored++;
                }
            }
        }
        if (scored == 0) throw new ArgumentException($"{nameof(data)}: expected episodes of at least 2 steps; found {data.Steps}.", nameof(data));
        return new JointBcScore((double)correct / scored, nll / scored, scored);
    }
}
