using Diml.Data;
using Diml.Fitting;
using Diml.Simulation;

namespace Diml.Evaluation;

/// <summary>
/// Everything one evaluation of a model against the truth has to work with, and the work metrics share, done once on
/// first use: the held-out likelihood (<c>nll_test</c>, <c>nll_test_in_support</c>) and the shifted learner simulated under
/// the estimate (<c>cfkl_params</c>, <c>cfkl_params_in_support</c>). Every sample uses <see cref="Seed"/>.
/// </summary>
public sealed class MetricContext
{
    private HeldOutLikelihood.Result? _heldOut;
    private SampledPayoffDifferences.Result? _differences;
    private Trajectories? _underEstimate, _supportUnderTruth, _supportUnderEstimate;
    private JointActionHistogram? _truthHistogram, _truthCountHistogram;
    private PolicyPath? _truthPolicies;
    private double? _floor;
    private SampledPayoffDifferences.TruthDifferences? _truthDifferences;

    /// <summary>A fresh copy of the true payoffs (once per worker thread).</summary>
    public required Func<IPayoffModel> Truth { get; init; }

    /// <summary>A fresh copy of the estimated payoffs (once per worker thread), or null for models without payoffs.</summary>
    public Func<IPayoffModel>? Estimate { get; init; }

    /// <summary>A fresh step scorer (once per worker thread), or null for models without a likelihood.</summary>
    public Func<IStepScorer>? Scorer { get; init; }

    /// <summary>The held-out episodes.</summary>
    public required Trajectories Test { get; init; }

    /// <summary>The contexts seen in training.</summary>
    public required TrainingSupport Support { get; init; }

    /// <summary>The seed of every sampled metric and of the simulations under the truth (and under the estimate, with common streams).</summary>
    public required ulong Seed { get; init; }

    /// <summary>Whether the simulations under the estimate share the truth's random streams (the default) or draw their own.</summary>
    public SimulationStreams Streams { get; init; } = SimulationStreams.Common;

    /// <summary>Worker threads; no result depends on it.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Contexts of <c>diff_mse</c>.</summary>
    public int DiffContexts { get; init; } = DiffMse.DefaultContexts;

    /// <summary>Random joint actions of <c>mse_off</c> in large games.</summary>
    public int MseOffProbes { get; init; } = MseOff.DefaultProbes;

    /// <summary>Cap on the visited joint actions of <c>mse_on</c>.</summary>
    public int MseOnVisits { get; init; } = MseOn.DefaultMaxVisits;

    /// <summary>Whether to compute the simulation-based metrics at all (they cost far more than the others).</summary>
    public bool Simulate { get; init; } = true;

    /// <summary>The learner with shifted hyperparameters of the counterfactual metrics.</summary>
    public required ILearningRule ShiftedLearner { get; init; }

    /// <summary>The shifted learner's play under the true mechanism (simulated once per experiment with <see cref="Seed"/>).</summary>
    public required Trajectories UnderTruth { get; init; }

    /// <summary>
    /// The shifted learner's play under the truth that <c>cfkl_params_in_support</c> compares (the reference simulates
    /// more episodes for it than for <c>cfkl_params</c> in large games); <see cref="UnderTruth"/> unless set.
    /// </summary>
    public Trajectories SupportUnderTruth
    {
        get => _supportUnderTruth ?? UnderTruth;
        init => _supportUnderTruth = value;
    }

    /// <summary>The <c>cfkl_params</c> histogram of <see cref="UnderTruth"/> (<see cref="JointActionHistogram.ForComparison"/>: action totals in large games).</summary>
    public JointActionHistogram TruthHistogram
    {
        get => _truthHistogram ??= JointActionHistogram.ForComparison(UnderTruth);
        init => _truthHistogram = value;
    }

    /// <summary>The sorted count-vector histogram of <see cref="UnderTruth"/> (<c>cfkl_counts</c>).</summary>
    public JointActionHistogram TruthCountHistogram
    {
        get => _truthCountHistogram ??= JointActionHistogram.OfCountVectors(UnderTruth);
        init => _truthCountHistogram = value;
    }

    /// <summary>
    /// The shifted learner's log-policies under the truth along <see cref="UnderTruth"/> (<c>cf_policy_kl</c>'s true side):
    /// from <see cref="SharedTruthPolicies"/> when set, else <see cref="PolicyPath.Of"/> of <see cref="Truth"/> on first use.
    /// </summary>
    public PolicyPath TruthPolicies => _truthPolicies ??= SharedTruthPolicies is null
        ? PolicyPath.Of(Truth, ShiftedLearner, UnderTruth, Threads)
        : SharedTruthPolicies() is var shared && ReferenceEquals(shared.Play, UnderTruth) ? shared
        : throw new InvalidOperationException("The shared truth policies follow other play than this context's UnderTruth.");

    /// <summary>
    /// The truth's policies along <see cref="UnderTruth"/> as an experiment computes them once for all its evaluations
    /// (they depend on neither the model nor the epoch); called only when a metric needs them.
    /// </summary>
    public Func<PolicyPath>? SharedTruthPolicies { get; init; }

    /// <summary>
    /// <c>cfkl_floor</c>: from <see cref="SharedFloor"/> when set, else the truth simulated again like <see cref="UnderTruth"/>
    /// on independent streams, on first use.
    /// </summary>
    public double Floor => _floor ??= SharedFloor is null
        ? CfklFloor.Compute(Truth, ShiftedLearner, UnderTruth, TruthHistogram, Seed, Threads)
        : SharedFloor();

    /// <summary>
    /// <c>cfkl_floor</c> of <see cref="UnderTruth"/> as an experiment computes it once for all its evaluations (it depends on
    /// neither the model nor the epoch); called only when a metric needs it.
    /// </summary>
    public Func<double>? SharedFloor { get; init; }

    /// <summary>Whether the context offers everything <paramref name="needs"/> names.</summary>
    public bool Has(MetricNeeds needs) =>
        (!needs.HasFlag(MetricNeeds.Payoffs) || Estimate is not null)
        && (!needs.HasFlag(MetricNeeds.Likelihood) || Scorer is not null)
        && (!needs.HasFlag(MetricNeeds.Simulation) || (Simulate && Estimate is not null));

    /// <summary>The sampled payoff differences of <c>diff_mse</c>, <c>diff_rel</c> and <c>diff_corr</c> (<see cref="DiffContexts"/> draws with <see cref="Seed"/>).</summary>
    public SampledPayoffDifferences.Result Differences =>
        _differences ??= SampledPayoffDifferences.Compute(TruthDifferences, Estimate ?? throw new InvalidOperationException("The model has no payoffs."), Threads);

    /// <summary>
    /// The draws of <see cref="Differences"/> and the truth's differences at them: from <see cref="SharedTruthDifferences"/>
    /// when set (it must be of <see cref="Test"/>, <see cref="Seed"/> and <see cref="DiffContexts"/>), else drawn on first use.
    /// </summary>
    public SampledPayoffDifferences.TruthDifferences TruthDifferences => _truthDifferences ??= SharedTruthDifferences is null
        ? SampledPayoffDifferences.TruthSide(Truth, Test, Seed, DiffContexts, Threads)
        : SharedTruthDifferences() is var shared && ReferenceEquals(shared.Data, Test) && shared.Seed == Seed && shared.Contexts == DiffContexts ? shared
        : throw new InvalidOperationException("The shared truth differences were drawn from other data, seed or number of contexts than this context's.");

    /// <summary>
    /// The truth's side of <see cref="Differences"/> as an experiment computes it once for all its evaluations (it depends
    /// on neither the model nor the epoch); called only when a metric needs it.
    /// </summary>
    public Func<SampledPayoffDifferences.TruthDifferences>? SharedTruthDifferences { get; init; }

    /// <summary>The held-out likelihood of <see cref="Scorer"/> on <see cref="Test"/>.</summary>
    public HeldOutLikelihood.Result HeldOut =>
        _heldOut ??= HeldOutLikelihood.Compute(Scorer ?? throw new InvalidOperationException("The model has no likelihood."), Test, Support, Threads);

    /// <summary>The shifted learner simulated under the estimate: as many episodes and steps as <see cref="UnderTruth"/>, the same seed (or its independent twin, <see cref="Streams"/>).</summary>
    /// <remarks>
    /// Episode e of a simulation depends only on (seed, e) (<see cref="Simulator"/>), so when
    /// <see cref="SupportUnderTruth"/> has as many steps and at least as many episodes, these are the first episodes of
    /// <see cref="SupportUnderEstimate"/>, taken from it rather than simulated again (E7: 120 of its 160–200).
    /// </remarks>
    public Trajectories UnderEstimate =>
        _underEstimate ??= SharesEstimateSimulation
            ? SupportUnderEstimate.SelectEpisodes(0, UnderTruth.Episodes)
            : SimulateUnderEstimate(UnderTruth);

    /// <summary>The shifted learner under the estimate with as many episodes and steps as <see cref="SupportUnderTruth"/>, the seed of <see cref="UnderEstimate"/>.</summary>
    public Trajectories SupportUnderEstimate =>
        ReferenceEquals(SupportUnderTruth, UnderTruth) ? UnderEstimate
        : _supportUnderEstimate ??= SimulateUnderEstimate(SupportUnderTruth);

    private bool SharesEstimateSimulation =>
        !ReferenceEquals(SupportUnderTruth, UnderTruth)
        && UnderTruth.Episodes > 0 && SupportUnderTruth.Steps == UnderTruth.Steps && SupportUnderTruth.Episodes >= UnderTruth.Episodes;

    private Trajectories SimulateUnderEstimate(Trajectories like) =>
        Simulator.Simulate(Estimate ?? throw new InvalidOperationException("The model has no payoffs."), ShiftedLearner,
            Test.Shape, like.Episodes, like.Steps, CounterfactualSeeds.Estimate(Seed, Streams), Threads);
}
