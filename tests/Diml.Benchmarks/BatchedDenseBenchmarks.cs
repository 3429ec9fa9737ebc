using BenchmarkDotNet.Attributes;
using Diml.Kernels;

namespace Diml.Benchmarks;

/// <summary>
/// The batched dense layer alone, at the shapes of the E7 anonymous-count MLP over a batch of 128 queries: the first
/// layer (72 inputs → 256), the square hidden layer (256 → 256) and the output layer (256 → 1); forward and adjoint
/// (weights, bias and inputs). One thread. Run with <c>DOTNET_EnableAVX512F=0</c> or <c>DOTNET_EnableAVX2=0</c> in the
/// environment to measure the narrower vector tiers.
/// </summary>
[MemoryDiagnoser]
public class BatchedDenseBenchmarks
{
    private const int Count = 128;

    [Params("72x256", "256x256", "256x1")]
    public string Shape { get; set; } = "256x256";

    private int _rows, _cols;
    private float[] _weights = null!, _bias = null!, _input = null!, _output = null!, _outputBar = null!, _weightsBar = null!, _biasBar = null!, _inputBar = null!;

    [GlobalSetup]
    public void Setup()
    {
        var parts = Shape.Split('x');
        _cols = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        _rows = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var random = new Random(5);
        float[] Random(int length)
        {
            var values = new float[length];
            for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
            return values;
        }
        _weights = Random(_rows * _cols);
        _bias = Random(_rows);
        _input = Random(Count * _cols);
        _outputBar = Random(Count * _rows);
        _output = new float[Count * _rows];
        _weightsBar = new float[_weights.Length];
        _biasBar = new float[_rows];
        _inputBar = new float[_input.Length];
    }

    [Benchmark]
    public void Forward() => BatchedDense.Forward(_weights, _bias, _input, _cols, 0, _cols, _output, _rows, 0, _rows, Count);

    [Benchmark]
    public void Adjoint() => BatchedDense.Adjoint(_weights, _input, _cols, 0, _cols, _outputBar, _rows, 0, _rows, Count, _weightsBar, _biasBar, _inputBar);
}
