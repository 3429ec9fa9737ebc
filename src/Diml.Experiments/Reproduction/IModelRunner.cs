using Diml.Fitting;

namespace Diml.Experiments.Reproduction;

/// <summary>
/// One model of the suite, fitted one epoch at a time and evaluated between epochs. A runner owns its fitting state;
/// the suite calls <see cref="RunEpoch"/> <see cref="Epochs"/> times, <see cref="Snapshot"/> whenever it evaluates, then
/// disposes it. A model fitted in one shot (a static inversion) has <see cref="Epochs"/> = 1.
/// </summary>
public interface IModelRunner : IDisposable
{
    /// <summary>The model's name in tags, such as <c>DIML</c>.</summary>
    string Name { get; }

    /// <summary>Epochs the suite runs.</summary>
    int Epochs { get; }

    /// <summary>
    /// Runs the next epoch. The report's <see cref="EpochReport.MeanLoss"/> is the model's own training loss (NaN when it
    /// has none); a non-finite loss ends the run early with the epochs done so far.
    /// </summary>
    EpochReport RunEpoch();

    /// <summary>Whether the fit stopped (a non-finite loss or gradient); the suite then evaluates the last good model.</summary>
    bool Stopped { get; }

    /// <summary>The model as it stands, for evaluation.</summary>
    ModelSnapshot Snapshot();

    /// <summary>
    /// Whether the runner stopped by its own rule (a patience on validation data) before <see cref="Epochs"/>; the suite
    /// then ends the run normally.
    /// </summary>
    bool EarlyStopped => false;

    /// <summary>
    /// The epoch whose model <see cref="FinalSnapshot"/> gives when the runner selects one on its own training data
    /// (0: it does not; the final row is the last epoch's model).
    /// </summary>
    int SelectedEpoch => 0;

    /// <summary>The model the final row evaluates: the selected epoch's when there is one, else the model as it stands.</summary>
    ModelSnapshot FinalSnapshot() => Snapshot();
}
