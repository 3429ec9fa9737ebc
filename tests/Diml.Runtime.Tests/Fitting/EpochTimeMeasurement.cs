using Diml.Learning;
using System.Diagnostics;
using Diml.Data;
using Diml.Fitting;
using Diml.Tests.Fitting.Models;
using Xunit.Abstractions;

namespace Diml.Tests.Fitting;

/// <summary>
/// Measures (does not assert) the E1-shaped training epoch with the hand-written neural stand-in:
/// 3 agents × 6 actions, 48 training episodes × 60 steps, batch 32, window 50, 128-unit tanh layers.
/// Run with <c>--filter Category=Measurement</c> and detailed console logging to see the figures.
/// </summary>
public sealed class EpochTimeMeasurement(ITestOutputHelper output)
{
    [Fact]
    [Trait("Category", "Measurement")]
    public void E1ShapedEpoch_IsMeasured()
    {
        var shape = new GameShape(3, 6);
        var truth = new SmallNeuralJointMechanism(3, 6);
        truth.InitializeParameters(new Random(1));
        var data = TestGames.Simulate(truth, shape, 48, 60, seed: 2);
        var model = new SmallNeuralJointMechanism(3, 6);
        model.InitializeParameters(new Random(3));
        foreach (int threads in new[] { 1, 2, 1, 2 })
        {
            var options = FitOptions.Reference with { Epochs = 100, BatchSize = 32, Window = 50, Threads = threads, Seed = 1 };
            using var session = new FitSession(model, TestGames.SmallGameLearner(), data, options, model.Parameters());
            session.RunEpoch();
            session.RunEpoch();
            const int epochs = 10;
            long start = Stopwatch.GetTimestamp();
            for (int e = 0; e < epochs; e++) session.RunEpoch();
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds / epochs;
            output.WriteLine($"E1-shaped epoch, {threads} thread(s): {seconds * 1000:F2} ms " +
                $"({model.Layout.TotalLength} parameters, {session.Objective.Payoffs.DistinctQueries} distinct queries in the last minibatch)");
            Assert.Null(session.Failure);
        }
    }

    [Fact]
    [Trait("Category", "Measurement")]
    public void E7LargestShapedSimulationAndEpoch_AreMeasured()
    {
        // 300 agents × 40 actions, 16 episodes × 25 steps, with the small anonymous stand-in (not the MLP):
        // this measures the runtime's own overhead (planning, deduplication, learner), not mechanism cost.
        var shape = new GameShape(300, 40);
        var mechanism = new LinearAnonymousMechanism(40, features: 8);
        mechanism.InitializeParameters(new Random(1));
        var rule = new LogitQ(0.2f, 6f, 0.02f);
        long start = Stopwatch.GetTimestamp();
        var data = Diml.Simulation.Simulator.Simulate(mechanism, mechanism.Parameters(), rule, shape, 16, 25, seed: 1, threads: 2);
        output.WriteLine($"E7-largest-shaped simulation (16 × 25, 2 threads): {Stopwatch.GetElapsedTime(start).TotalSeconds * 1000:F1} ms");
        var options = FitOptions.Reference with { Epochs = 10, BatchSize = 8, Window = 30, Threads = 2, Seed = 1 };
        using var session = new FitSession(mechanism, rule, data, options, mechanism.Parameters());
        session.RunEpoch();
        start = Stopwatch.GetTimestamp();
        for (int e = 0; e < 3; e++) session.RunEpoch();
        output.WriteLine($"E7-largest-shaped epoch (2 threads): {Stopwatch.GetElapsedTime(start).TotalSeconds / 3 * 1000:F1} ms, " +
            $"{session.Objective.Payoffs.Evaluations} mechanism evaluations in the last minibatch (naive: {8 * 24 * 300 * 40})");
        Assert.Null(session.Failure);
    }
}
