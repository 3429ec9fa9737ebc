namespace Diml.Experiments.Reproduction;

/// <summary>What <see cref="SuiteRunner"/> tells the terminal as it goes.</summary>
public interface ISuiteProgress
{
    /// <summary>A line of information (data simulated, run skipped, files written).</summary>
    void Note(string message);

    /// <summary>A run of <paramref name="epochs"/> epochs started.</summary>
    void RunStarted(string tag, int seed, int epochs);

    /// <summary>An epoch finished; <paramref name="metric"/> is <c>diff_mse</c> when evaluated this epoch (else NaN).</summary>
    void Epoch(string tag, int seed, int epoch, int epochs, double loss, double trainSeconds, double evalSeconds, double metric);

    /// <summary>A run finished with its final row.</summary>
    void RunFinished(string tag, int seed, ResultRow final);
}
