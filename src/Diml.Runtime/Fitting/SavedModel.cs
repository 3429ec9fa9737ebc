using Diml.Data;

namespace Diml.Fitting;

/// <summary>The contents of a model file (see <see cref="ModelFile"/>): a fitted mechanism and how it was obtained.</summary>
/// <param name="MechanismType">The mechanism's <see cref="IDifferentiableModel.ModelName"/>.</param>
/// <param name="Form">The mechanism's payoff form.</param>
/// <param name="Shape">The game the mechanism was fitted on.</param>
/// <param name="Layout">Where each parameter field lives in <paramref name="Parameters"/>.</param>
/// <param name="Parameters">The flat parameter vector.</param>
/// <param name="LearnerName">The learning rule's <see cref="ILearningRule.RuleName"/>.</param>
/// <param name="LearnerHyperparameters">The learning rule's hyperparameters by name (e.g. alpha, beta, epsilon).</param>
/// <param name="Training">The fit's settings, when the model was fitted.</param>
/// <param name="DataFingerprint">A fingerprint of the training data (<see cref="Diml.Data.Trajectories.Fingerprint"/>), when known.</param>
public sealed record SavedModel(
    string MechanismType,
    PayoffForm Form,
    GameShape Shape,
    ParameterLayout Layout,
    float[] Parameters,
    string LearnerName,
    IReadOnlyDictionary<string, double> LearnerHyperparameters,
    FitOptions? Training,
    string? DataFingerprint)
{
    /// <summary>
    /// The group sizes of the data the model was fitted on, when those had groups or absent agents (file: <c>$.game.groupSizes</c>);
    /// null for one group of all <see cref="GameShape.Agents"/> at every step. Tools that simulate the model refuse it until they
    /// simulate groups.
    /// </summary>
    public IReadOnlyList<int>? GroupSizes { get; init; }

    /// <summary>
    /// The learner parameters the fit estimated (camel-cased names, e.g. <c>alpha</c>, <c>epsilon</c>), whose estimates
    /// <see cref="LearnerHyperparameters"/> holds; null (<c>learner.estimated</c> absent: every older file) when the
    /// learner was fixed.
    /// </summary>
    public IReadOnlyList<string>? EstimatedLearnerParameters { get; init; }

    /// <summary>Standard errors of the fit (file: <c>$.inference</c>), when they were computed; null otherwise.</summary>
    public SavedInference? Inference { get; init; }

    /// <summary>A finite mixture of learner types fitted with the model (file: <c>$.learnerTypes</c>), when one was; null otherwise.</summary>
    public SavedLearnerTypes? LearnerTypes { get; init; }

    /// <summary>The model-file format version this build writes.</summary>
    public const int CurrentFormatVersion = 1;
}
