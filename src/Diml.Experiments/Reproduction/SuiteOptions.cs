namespace Diml.Experiments.Reproduction;

/// <summary>What <see cref="SuiteRunner"/> runs and where it writes.</summary>
/// <param name="Scale">The suite's scale name, <c>full</c>, <c>quick</c> or <c>tiny</c> (recorded in <c>summary.md</c>).</param>
/// <param name="Experiments">Every experiment of the scale (results of all of them found in the folder are aggregated).</param>
/// <param name="Only">The experiments to run now (ids or groups; null: all).</param>
/// <param name="Seeds">Seeds 0..N−1.</param>
/// <param name="Threads">Worker threads for fitting, simulation and evaluation.</param>
/// <param name="OutputFolder">The results folder.</param>
/// <param name="Plots">Whether to render the figures.</param>
public sealed record SuiteOptions(
    string Scale,
    IReadOnlyList<ExperimentDefinition> Experiments,
    IReadOnlySet<string>? Only,
    int Seeds,
    int Threads,
    string OutputFolder,
    bool Plots = true)
{
    /// <summary>Whether <paramref name="definition"/> is selected by <see cref="Only"/>.</summary>
    public bool Selects(ExperimentDefinition definition) =>
        Only is null || Only.Contains(definition.Id) || Only.Contains(definition.Group);
}
