using Diml.Data;
using Diml.Interventions;
using Diml.Learning;
using Diml.Mechanisms;
using Diml.Simulation;

namespace Diml.Evaluation.Tests.Counterfactuals;

/// <summary>Interventions composed with the paper's generated mechanisms, batched kernels included.</summary>
public sealed class ComposedPaperMechanismTests
{
    private static float[] Read(IMechanism mechanism)
    {
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        return theta;
    }

    [Fact]
    public void ZeroShift_OnABatchedAnonymousMechanism_KeepsTheBatchedKernel_AndReproducesTheSimulationBitForBit()
    {
        // 6 agents x 10 actions is past the payoff table: the anonymous mechanism's batched kernel runs every step.
        var fitted = new AnonymousCount(10, hidden: 16);
        fitted.InitializeParameters(new Random(3));
        var composed = Intervention.WithPayoffShift(fitted, new float[10]);
        var shape = new GameShape(6, 10);
        var learner = new LogitQ(0.2f, 6f, 0.02f);

        Assert.IsAssignableFrom<IBatchedAnonymousMechanism>(composed);
        var plain = Simulator.Simulate(fitted, Read(fitted), learner, shape, 4, 20, seed: 2);
        var zero = Simulator.Simulate(composed, composed.Parameters(Read(fitted)), learner, shape, 4, 20, seed: 2);
        Assert.Equal(plain.AsSpan().ToArray(), zero.AsSpan().ToArray());
    }

    [Theory]
    [InlineData("neural-joint")]
    [InlineData("anonymous-count")]
    [InlineData("public-goods")]
    [InlineData("congestion")]
    public void ShiftComposedWithAPaperMechanism_PassesTheGradientSelfCheck(string family)
    {
        var entry = MechanismCatalog.Find(family)!;
        var shape = new GameShape(3, 4);
        var fitted = entry.Create(shape, new MechanismSettings(entry.HasHiddenLayers ? 8 : 0));
        entry.InitializeTruth(fitted, new Random(5));
        var composed = Intervention.WithPayoffShift(fitted, [0.3f, -0.2f, 0.1f, -0.4f]);

        var report = composed.CheckGradients(3, 4, seed: 6);

        Assert.True(report.Passed, report.ToString());
        Assert.Equal(fitted.Form, composed.Form);
    }
}
