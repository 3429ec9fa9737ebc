using BenchmarkDotNet.Attributes;
using Diml.Experiments.Reproduction;
using Diml.Mechanisms;

namespace Diml.Benchmarks;

/// <summary>
/// One curve evaluation of <c>diml reproduce</c>'s E7 n=40 on both cores, with and without the simulation metrics
/// (docs/reproduce.md, "Time budget"), of a fitted-size model at random parameters against the truth: what the suite
/// pays every 5th (10th) epoch. The truth's side (its counterfactual play and policies) is computed once in the setup,
/// as the suite computes it once per experiment.
/// </summary>
[MemoryDiagnoser]
public class EvaluationBenchmarks
{
    private ExperimentInstance _instance = null!;
    private ExperimentDefinition _definition = null!;
    private CounterfactualReference _reference = null!;
    private ModelSnapshot _snapshot = null!;

    [GlobalSetup]
    public void Setup()
    {
        _definition = ReferenceSuite.Full().Single(d => d.Id == "E7_n40");
        _instance = new ExperimentInstance(_definition, seed: 0, threads: Environment.ProcessorCount);
        _reference = new CounterfactualReference(_instance, _definition.PerEpoch);
        _ = _reference.TruthPolicies;
        var entry = MechanismCatalog.Find(_definition.ModelMechanism)!;
        var model = entry.Create(_instance.Shape, new MechanismSettings(_definition.ModelHidden > 0 ? _definition.ModelHidden : entry.DefaultHidden));
        model.InitializeParameters(new Random(7));
        var theta = new float[model.Layout.TotalLength];
        model.ReadParameters(theta);
        var shape = _instance.Shape;
        var learner = _instance.Learner;
        _snapshot = new ModelSnapshot(
            () => new MechanismPayoffs(model, theta, shape),
            () => new Diml.Fitting.LearnerStepScorer(new MechanismPayoffs(model, theta, shape), learner));
    }

    [Benchmark(Description = "E7 n=40 curve evaluation with simulation (120 + 160 episodes × 30 steps)")]
    public ResultRow WithSimulation() => RunEvaluator.Evaluate(_instance, _snapshot, _definition.PerEpoch, _reference, simulate: true);

    [Benchmark(Description = "E7 n=40 curve evaluation without simulation")]
    public ResultRow WithoutSimulation() => RunEvaluator.Evaluate(_instance, _snapshot, _definition.PerEpoch, _reference, simulate: false);
}
