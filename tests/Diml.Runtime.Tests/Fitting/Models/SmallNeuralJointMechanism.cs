using System.Numerics;
using System.Numerics.Tensors;

namespace Diml.Tests.Fitting.Models;

/// <summary>
/// The reference's neural joint mechanism, hand-written (stand-in for generated code): per-agent action
/// embeddings (dim d) concatenated, two tanh layers of <c>hidden</c>, linear to n payoffs.
/// </summary>
public sealed class SmallNeuralJointMechanism : HandWrittenMechanism, IJointMechanism
{
    private readonly int _agents, _actions, _embedding, _hidden;
    private readonly int _w1, _b1, _w2, _b2, _w3, _b3;

    public SmallNeuralJointMechanism(int agents, int actions, int hidden = 128)
        : this(agents, actions, Math.Min(24, Math.Max(6, actions)), hidden)
    {
    }

    private SmallNeuralJointMechanism(int agents, int actions, int d, int hidden)
        : base("SmallNeuralJoint", PayoffForm.Joint, BuildLayout(agents, actions, d, hidden))
    {
        _agents = agents;
        _actions = actions;
        _embedding = d;
        _hidden = hidden;
        var layout = Layout;
        _w1 = layout["W1"].Offset; _b1 = layout["b1"].Offset;
        _w2 = layout["W2"].Offset; _b2 = layout["b2"].Offset;
        _w3 = layout["W3"].Offset; _b3 = layout["b3"].Offset;
    }

    private static ParameterLayout BuildLayout(int n, int a, int d, int h)
    {
        var blocks = new List<ParameterBlock>();
        int offset = 0;
        void Add(string name, int rank, int rows, int cols) { blocks.Add(new ParameterBlock(name, rank, rows, cols, offset)); offset += rows * cols; }
        Add("Emb", 2, n * a, d);
        Add("W1", 2, h, n * d); Add("b1", 1, h, 1);
        Add("W2", 2, h, h); Add("b2", 1, h, 1);
        Add("W3", 2, n, h); Add("b3", 1, n, 1);
        return new ParameterLayout(blocks);
    }

    /// <summary>PyTorch-like: embeddings standard normal, linear layers uniform on ±1/√fan_in.</summary>
    public override void InitializeParameters(Random random)
    {
        foreach (var block in Layout.Blocks)
        {
            var values = Theta.AsSpan(block.Offset, block.Length);
            if (block.Name == "Emb")
            {
                for (int j = 0; j < values.Length; j++)
                    values[j] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
                continue;
            }
            int fanIn = block.Name switch { "W1" or "b1" => _agents * _embedding, _ => _hidden };
            double bound = 1 / Math.Sqrt(fanIn);
            for (int j = 0; j < values.Length; j++) values[j] = (float)(((random.NextDouble() * 2) - 1) * bound);
        }
    }

    public void Payoffs(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, Span<float> payoffs) => Forward(theta, joint, payoffs);
    public void Payoffs(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, Span<double> payoffs) => Forward(theta, joint, payoffs);
    public void PayoffsAdjoint(ReadOnlySpan<float> theta, ReadOnlySpan<int> joint, ReadOnlySpan<float> payoffsBar, Span<float> thetaBar) => Backward(theta, joint, payoffsBar, thetaBar);
    public void PayoffsAdjoint(ReadOnlySpan<double> theta, ReadOnlySpan<int> joint, ReadOnlySpan<double> payoffsBar, Span<double> thetaBar) => Backward(theta, joint, payoffsBar, thetaBar);

    private void Embed<T>(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, Span<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = _embedding;
        for (int i = 0; i < _agents; i++)
            theta.Slice(((i * _actions) + joint[i]) * d, d).CopyTo(x.Slice(i * d, d));
    }

    /// <summary>y = tanh(W·x + b) (or without tanh for the output layer).</summary>
    private static void Dense<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> b, ReadOnlySpan<T> x, Span<T> y, bool tanh) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int cols = x.Length;
        for (int r = 0; r < y.Length; r++)
        {
            T z = TensorPrimitives.Dot(w.Slice(r * cols, cols), x) + b[r];
            y[r] = tanh ? T.Tanh(z) : z;
        }
    }

    private void Forward<T>(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, Span<T> payoffs) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = _agents, h = _hidden, input = n * _embedding;
        Span<T> x = stackalloc T[input];
        Span<T> h1 = stackalloc T[h];
        Span<T> h2 = stackalloc T[h];
        Embed(theta, joint, x);
        Dense(theta.Slice(_w1, h * input), theta.Slice(_b1, h), x, h1, tanh: true);
        Dense(theta.Slice(_w2, h * h), theta.Slice(_b2, h), h1, h2, tanh: true);
        Dense(theta.Slice(_w3, n * h), theta.Slice(_b3, n), h2, payoffs, tanh: false);
    }

    /// <summary>Adds Wᵀ·yBar into xBar and yBar ⊗ x into W̄, yBar into b̄.</summary>
    private static void DenseAdjoint<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> x, ReadOnlySpan<T> yBar, Span<T> wBar, Span<T> bBar, Span<T> xBar)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int cols = x.Length;
        for (int r = 0; r < yBar.Length; r++)
        {
            T g = yBar[r];
            bBar[r] += g;
            var wBarRow = wBar.Slice(r * cols, cols);
            TensorPrimitives.MultiplyAdd(x, g, wBarRow, wBarRow);
            if (!xBar.IsEmpty) TensorPrimitives.MultiplyAdd(w.Slice(r * cols, cols), g, xBar, xBar);
        }
    }

    private void Backward<T>(ReadOnlySpan<T> theta, ReadOnlySpan<int> joint, ReadOnlySpan<T> payoffsBar, Span<T> thetaBar) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = _agents, h = _hidden, d = _embedding, input = n * d;
        Span<T> x = stackalloc T[input];
        Span<T> h1 = stackalloc T[h];
        Span<T> h2 = stackalloc T[h];
        Embed(theta, joint, x);
        Dense(theta.Slice(_w1, h * input), theta.Slice(_b1, h), x, h1, tanh: true);
        Dense(theta.Slice(_w2, h * h), theta.Slice(_b2, h), h1, h2, tanh: true);

        Span<T> h2Bar = stackalloc T[h];
        Span<T> h1Bar = stackalloc T[h];
        Span<T> xBar = stackalloc T[input];
        h2Bar.Clear(); h1Bar.Clear(); xBar.Clear();
        DenseAdjoint(theta.Slice(_w3, n * h), h2, payoffsBar, thetaBar.Slice(_w3, n * h), thetaBar.Slice(_b3, n), h2Bar);
        // d tanh(z) = 1 − tanh(z)²
        for (int r = 0; r < h; r++) h2Bar[r] *= T.One - (h2[r] * h2[r]);
        DenseAdjoint(theta.Slice(_w2, h * h), h1, h2Bar, thetaBar.Slice(_w2, h * h), thetaBar.Slice(_b2, h), h1Bar);
        for (int r = 0; r < h; r++) h1Bar[r] *= T.One - (h1[r] * h1[r]);
        DenseAdjoint(theta.Slice(_w1, h * input), x, h1Bar, thetaBar.Slice(_w1, h * input), thetaBar.Slice(_b1, h), xBar);
        for (int i = 0; i < n; i++)
        {
            var row = thetaBar.Slice(((i * _actions) + joint[i]) * d, d);
            TensorPrimitives.Add(row, xBar.Slice(i * d, d), row);
        }
    }
}
