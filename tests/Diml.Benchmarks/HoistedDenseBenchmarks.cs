using BenchmarkDotNet.Attributes;
using Diml.Kernels;

namespace Diml.Benchmarks;

/// <summary>
/// The E7 anonymous-count MLP's first layer (72 inputs: 32 embedding columns, then 40 opponent shares → 256) over a batch of
/// 128 queries in the runtime's order — every own action of one context in a row, so runs of 40 — plain and with the
/// shares' block once per run and the embedding's once per own action (<c>Optimisation/ContextHoisting</c>): forward, and
/// adjoint (weights, bias, the embedding's input window). One thread.
/// </summary>
[MemoryDiagnoser]
public class HoistedDenseBenchmarks
{
    private const int Count = 128, Rows = 256, Embedding = 32, Shares = 40, Cols = Embedding + Shares;

    private static readonly int[] RunStarts = [0, 40, 80, 120, Count];
    private readonly int[] _runOf = new int[Count], _runLeaders = [0, 40, 80, 120], _groupOf = new int[Count], _groupLeaders = new int[Shares];
    private float[] _weights = null!, _bias = null!, _input = null!, _output = null!, _outputBar = null!, _weightsBar = null!, _biasBar = null!, _inputBar = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(5);
        float[] Random(int length)
        {
            var values = new float[length];
            for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
            return values;
        }
        _weights = Random(Rows * Cols);
        _bias = Random(Rows);
        _input = Random(Count * Cols);
        // The shares are the context's (equal within each run), the embedding the own action's (query q has own action q mod 40).
        for (int r = 0; r + 1 < RunStarts.Length; r++)
            for (int q = RunStarts[r]; q < RunStarts[r + 1]; q++)
            {
                _input.AsSpan(RunStarts[r] * Cols + Embedding, Shares).CopyTo(_input.AsSpan(q * Cols + Embedding));
                _input.AsSpan((q % Shares) * Cols, Embedding).CopyTo(_input.AsSpan(q * Cols));
                (_runOf[q], _groupOf[q]) = (r, q % Shares);
            }
        for (int g = 0; g < Shares; g++) _groupLeaders[g] = g;
        _outputBar = Random(Count * Rows);
        _output = new float[Count * Rows];
        _weightsBar = new float[_weights.Length];
        _biasBar = new float[Rows];
        _inputBar = new float[_input.Length];
    }

    [Benchmark(Baseline = true)]
    public void Forward() => BatchedDense.Forward(_weights, _bias, _input, Cols, 0, Cols, _output, Rows, 0, Rows, Count);

    [Benchmark]
    public void ForwardInRuns() => BatchedDense.Forward(_weights, _bias, _input, Cols, 0, Cols, _output, Rows, 0, Rows, Count, Context, default);

    [Benchmark]
    public void ForwardInRunsAndGroups() => BatchedDense.Forward(_weights, _bias, _input, Cols, 0, Cols, _output, Rows, 0, Rows, Count, Context, Own);

    [Benchmark]
    public void Adjoint() => BatchedDense.Adjoint(_weights, _input, Cols, 0, Cols, _outputBar, Rows, 0, Rows, Count, _weightsBar, _biasBar, _inputBar, 0, Embedding);

    [Benchmark]
    public void AdjointInRuns() => BatchedDense.Adjoint(_weights, _input, Cols, 0, Cols, _outputBar, Rows, 0, Rows, Count, _weightsBar, _biasBar, _inputBar, 0, Embedding,
        Context, default);

    [Benchmark]
    public void AdjointInRunsAndGroups() => BatchedDense.Adjoint(_weights, _input, Cols, 0, Cols, _outputBar, Rows, 0, Rows, Count, _weightsBar, _biasBar, _inputBar, 0, Embedding,
        Context, Own);

    private SharedColumns Context => new(Embedding, Shares, _runOf, _runLeaders);

    private SharedColumns Own => new(0, Embedding, _groupOf, _groupLeaders);
}
