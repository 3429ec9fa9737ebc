using Diml.Kernels;
using System.Text.Json;
using Diml.Data;
using Diml.Experiments.Commands;
using Diml.Experiments.Performance;
using Diml.Fitting;
using Diml.Learning;
using Diml.Mechanisms;

namespace Diml.Experiments.Tests;

/// <summary><c>diml bench</c>'s figures: the useful-work count, the FMA calibration and the JSON it prints (no timing asserted).</summary>
public sealed class BenchTests
{
    // One episode of 3 agents × 2 actions, 3 steps: a window of 3 plans the counterfactual steps 0 and 1 and the
    // regularizer's steps 0..2.
    private static readonly Trajectories Tiny = new(new GameShape(3, 2), 1, 3, [0, 0, 1, 1, 1, 1, 0, 1, 1]);

    private static FitSession OneEpoch(IMechanism mechanism)
    {
        mechanism.InitializeParameters(new Random(1));
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        var session = new FitSession(mechanism, new LogitQ(0.25f, 3f, 0.06f), Tiny,
            FitOptions.Reference with { BatchSize = 1, Window = 3, Threads = 1 }, theta);
        session.RunEpoch();
        return session;
    }

    [Fact]
    public void AnonymousCount_TinyWorkload_CountsEveryDistinctContextAndEvaluationByHand()
    {
        // Opponent counts (of actions 0, 1) per agent: step 0 [0,0,1] gives (1,1) and (2,0); step 1 [1,1,1] gives (0,2);
        // step 2 [0,1,1] (regularizer only) gives (0,2) and (1,1) again. 3 contexts, each with both own actions.
        using var session = OneEpoch(new AnonymousCount(2, hidden: 3));
        Assert.Equal(3, session.LastEpochDistinctQueries);
        Assert.Equal(6, session.LastEpochEvaluations);

        // Embedding 12 (at least 12), hidden 3. Per context: the shares block 2×3, forward and weight gradient:
        // 2 · (2·2·3) = 24. Per evaluation, three times each: embedding block 12×3 (72), layer 2 3×3 (18), layer 3 3×1 (6):
        // 3 · 96 = 288. The epoch: 3 · 24 + 6 · 288 = 1800 FLOP.
        var work = UsefulWork.For(new AnonymousCount(2, hidden: 3))!;
        Assert.Equal(new UsefulWork(24, 288), work);
        Assert.Equal(1800e-9, BenchmarkRunner.EpochGflop(session, work)!.Value, 15);
    }

    [Fact]
    public void NeuralJoint_TinyWorkload_CountsEveryDistinctProfileByHand()
    {
        // Profiles: step 0 [0,0,1] and its one-agent deviations: 001, 101, 011, 000; step 1 [1,1,1]: adds 111 and 110
        // (011 and 101 seen); step 2's played 011 seen. 6 profiles, one evaluation each.
        using var session = OneEpoch(new NeuralJoint(3, 2, hidden: 3));
        Assert.Equal(6, session.LastEpochDistinctQueries);
        Assert.Equal(6, session.LastEpochEvaluations);

        // Embedding 6 (at least 6) per agent: layer 1 18×3 (108), layer 2 3×3 (18), layer 3 3×3 (18), three times each:
        // 3 · 144 = 432 per profile; 6 · 432 = 2592 FLOP.
        var work = UsefulWork.For(new NeuralJoint(3, 2, hidden: 3))!;
        Assert.Equal(new UsefulWork(0, 432), work);
        Assert.Equal(2592e-9, BenchmarkRunner.EpochGflop(session, work)!.Value, 15);
    }

    [Fact]
    public void UsefulWork_UnknownMechanism_IsNotCounted() =>
        Assert.Null(UsefulWork.For(new Congestion(2)));

    [Fact]
    public void FmaPeak_ShortCalibration_IsPositiveAndFinite()
    {
        var peak = FmaPeak.Measure(threads: 1, trials: 1, trialSeconds: 0.01);
        Assert.True(double.IsFinite(peak.Gflops) && peak.Gflops > 0, $"peak {peak.Gflops} GFLOP/s");
        Assert.Equal(1, peak.Threads);
        Assert.Contains(peak.VectorBits, new[] { 32, 128, 256, 512 });
        var both = FmaPeak.Measure(threads: 2, trials: 1, trialSeconds: 0.01);
        Assert.True(double.IsFinite(both.Gflops) && both.Gflops > 0, $"peak {both.Gflops} GFLOP/s");
    }

    [Fact]
    public void Json_HasEveryFieldWithTheDerivedFigures()
    {
        var report = new BenchmarkReport(new FmaPeakResult(100, 1, 512), new FmaPeakResult(200, 2, 512), []);
        var counted = new BenchmarkCase("E7", 2, 0, 2, 566) { GflopPerEpoch = 100, PeakGflops = 200 };
        using var json = JsonDocument.Parse(BenchCommand.Json(counted, report));
        var root = json.RootElement;
        string[] fields = ["case", "seconds_per_epoch", "gflop_per_epoch", "gflops", "peak_gflops", "peak_fraction",
            "peak_gflops_one_thread", "vector_bits", "bytes_per_epoch", "threads", "reference_seconds"];
        Assert.Equal(fields.Order(), root.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(2, root.GetProperty("seconds_per_epoch").GetDouble());
        Assert.Equal(100, root.GetProperty("gflop_per_epoch").GetDouble());
        Assert.Equal(50, root.GetProperty("gflops").GetDouble());
        Assert.Equal(200, root.GetProperty("peak_gflops").GetDouble());
        Assert.Equal(0.25, root.GetProperty("peak_fraction").GetDouble());
        Assert.Equal(100, root.GetProperty("peak_gflops_one_thread").GetDouble());
        Assert.Equal(512, root.GetProperty("vector_bits").GetInt32());

        // A case whose work is not counted (the simulation) prints NaN, not a made-up figure.
        var uncounted = new BenchmarkCase("simulation", 1, 10, 2, null) { PeakGflops = 200 };
        using var other = JsonDocument.Parse(BenchCommand.Json(uncounted, report));
        Assert.Equal("NaN", other.RootElement.GetProperty("gflop_per_epoch").GetString());
        Assert.Equal("NaN", other.RootElement.GetProperty("peak_fraction").GetString());
    }
}
