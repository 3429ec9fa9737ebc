using Diml.Experiments.Reproduction;

namespace Diml.Experiments.Tests.Reproduction;

/// <summary>The suite's DIML_Selected runner: DIML with a validation part of the training episodes and the best-validation epoch kept.</summary>
public sealed class SelectedEpochTests
{
    private static ExperimentInstance TinyE1(int epochs) =>
        new(ReferenceSuite.Tiny().Single(d => d.Id == "E1") with { Epochs = epochs }, seed: 0, threads: 1);

    private static double[] PayoffsOf(ModelSnapshot snapshot, ExperimentInstance instance)
    {
        var payoffs = snapshot.Payoffs!();
        var joint = new int[instance.Shape.Agents];
        var values = new List<double>();
        for (int k = 0; k < instance.Shape.Actions; k++)
        {
            joint[0] = k;
            joint[1] = (k + 1) % instance.Shape.Actions;
            values.Add(payoffs.Payoff(joint, 0));
        }
        return values.ToArray();
    }

    [Fact]
    public void DimlSelected_FinalModelIsTheEpochWithTheLowestValidationNll()
    {
        var instance = TinyE1(epochs: 12);
        using var runner = ModelRunnerRegistry.Find(ModelNames.DimlSelected)!(ModelNames.DimlSelected, instance);
        var validation = new List<double>();
        var snapshots = new List<double[]>();
        for (int epoch = 1; epoch <= runner.Epochs && !runner.EarlyStopped; epoch++)
        {
            var report = runner.RunEpoch();
            validation.Add(report.ValidationNll);
            snapshots.Add(PayoffsOf(runner.Snapshot(), instance));
        }
        Assert.All(validation, v => Assert.True(double.IsFinite(v)));
        int selected = validation.IndexOf(validation.Min()) + 1;
        Assert.Equal(selected, runner.SelectedEpoch);
        Assert.Equal(snapshots[selected - 1], PayoffsOf(runner.FinalSnapshot(), instance));
    }

    [Fact]
    public void Diml_StaysTheReferenceEstimator_AndDimlSelectedStartsWhereItDoes()
    {
        var instance = TinyE1(epochs: 3);
        using var diml = ModelRunnerRegistry.Find(ModelNames.Diml)!(ModelNames.Diml, instance);
        using var selected = ModelRunnerRegistry.Find(ModelNames.DimlSelected)!(ModelNames.DimlSelected, instance);
        // The same initial network (DIML's seed), before any epoch.
        Assert.Equal(PayoffsOf(diml.Snapshot(), instance), PayoffsOf(selected.Snapshot(), instance));
        for (int epoch = 0; epoch < 3; epoch++)
        {
            Assert.True(double.IsNaN(diml.RunEpoch().ValidationNll));
            selected.RunEpoch();
        }
        Assert.Equal(0, diml.SelectedEpoch);
        Assert.False(diml.EarlyStopped);
        Assert.Equal(PayoffsOf(diml.Snapshot(), instance), PayoffsOf(diml.FinalSnapshot(), instance));
        Assert.InRange(selected.SelectedEpoch, 1, 3);
    }
}
