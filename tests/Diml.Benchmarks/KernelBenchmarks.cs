using BenchmarkDotNet.Attributes;
using Diml.Mechanisms;
using Diml.Learning;

namespace Diml.Benchmarks;

/// <summary>The generated forward and adjoint of each paper mechanism, one query each, and one learner step.</summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private readonly NeuralJoint _neural = new(3, 6);
    private readonly Congestion _congestion = new(5);
    private readonly AnonymousCount _anonymous = new(40);
    private readonly LogitQ _logitQ = new(0.2f, 6f, 0.02f);
    private float[] _neuralTheta = null!, _neuralBar = null!, _congestionTheta = null!, _congestionBar = null!, _anonymousTheta = null!, _anonymousBar = null!;
    private readonly int[] _joint3 = [1, 4, 2];
    private readonly int[] _joint4 = [0, 3, 3, 1];
    private readonly int[] _counts = new int[40];
    private readonly float[] _payoffs = new float[3], _payoffsBar = [1f, -0.5f, 0.25f];
    private readonly float[] _q = new float[40], _u = new float[40], _next = new float[40], _logPolicy = new float[40];
    private const int BatchSize = 128;
    private readonly int[] _batchOwn = new int[BatchSize];
    private readonly int[] _batchCounts = new int[BatchSize * 40];
    private readonly float[] _batchPayoffs = new float[BatchSize], _batchSeeds = new float[BatchSize];
    private readonly float[] _nextBar = new float[40], _qBar = new float[40], _uBar = new float[40], _logPolicyBar = new float[40];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        (_neuralTheta, _neuralBar) = Parameters(_neural, random);
        (_congestionTheta, _congestionBar) = Parameters(_congestion, random);
        (_anonymousTheta, _anonymousBar) = Parameters(_anonymous, random);
        for (int i = 0; i < 299; i++) _counts[random.Next(40)]++;
        for (int k = 0; k < 40; k++) { _q[k] = (float)random.NextDouble(); _u[k] = (float)random.NextDouble(); }
        _logPolicyBar[7] = -1f;
        for (int q = 0; q < BatchSize; q++)
        {
            _batchOwn[q] = q % 40;
            _counts.CopyTo(_batchCounts, q * 40);
            _batchSeeds[q] = 1f / (q + 1);
        }
        _nextBar.AsSpan().Fill(0.1f);
    }

    private static (float[] Theta, float[] Bar) Parameters(IMechanism mechanism, Random random)
    {
        mechanism.InitializeParameters(random);
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        return (theta, new float[theta.Length]);
    }

    [Benchmark] public void NeuralJointForward() => _neural.Payoffs(_neuralTheta, _joint3, _payoffs);
    [Benchmark] public void NeuralJointAdjoint() => _neural.PayoffsAdjoint(_neuralTheta, _joint3, _payoffsBar, _neuralBar);
    [Benchmark] public float CongestionForward() => _congestion.Payoff(_congestionTheta, _joint4, 2);
    [Benchmark] public void CongestionAdjoint() => _congestion.PayoffAdjoint(_congestionTheta, _joint4, 2, 1f, _congestionBar);
    [Benchmark] public float AnonymousCountForward() => _anonymous.Payoff(_anonymousTheta, 7, _counts);
    [Benchmark] public void AnonymousCountAdjoint() => _anonymous.PayoffAdjoint(_anonymousTheta, 7, _counts, 1f, _anonymousBar);

    /// <summary>128 anonymous queries through the batched kernel: compare with 128 × the per-query figures above.</summary>
    [Benchmark(Description = "AnonymousCount batch of 128: forward")]
    public void AnonymousCountBatchForward() => _anonymous.PayoffBatch(_anonymousTheta, _batchOwn, _batchCounts, BatchSize, _batchPayoffs);

    [Benchmark(Description = "AnonymousCount batch of 128: adjoint")]
    public void AnonymousCountBatchAdjoint() => _anonymous.PayoffBatchAdjoint(_anonymousTheta, _batchOwn, _batchCounts, BatchSize, _batchSeeds, _anonymousBar);

    [Benchmark(Description = "Logit-Q step, A=40: update, response and both adjoints")]
    public void LogitQStep()
    {
        _logitQ.Update(_q, _u, 3, _next);
        _logitQ.Response(_next, _logPolicy);
        _logitQ.ResponseAdjoint(_next, _logPolicyBar, _nextBar);
        _logitQ.UpdateAdjoint(_q, _u, 3, _nextBar, _qBar, _uBar);
    }
}
