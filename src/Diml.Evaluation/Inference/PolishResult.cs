namespace Diml.Evaluation.Inference;

/// <summary>The outcome of <see cref="MaximumLikelihood.Polish"/>.</summary>
/// <param name="Estimate">The parameters at the end (the best point visited).</param>
/// <param name="Nll">The total NLL there.</param>
/// <param name="GradientNorm">The Euclidean norm of the total NLL's gradient there.</param>
/// <param name="GradientMax">The largest absolute gradient entry there (what the tolerance is on).</param>
/// <param name="StartNll">The total NLL at the start.</param>
/// <param name="Iterations">L-BFGS iterations taken.</param>
/// <param name="Evaluations">NLL and gradient evaluations.</param>
/// <param name="Converged">Whether the gradient criterion was met (else the polish stalled or ran out of iterations).</param>
/// <param name="Status">In words: why it stopped.</param>
public sealed record PolishResult(double[] Estimate, double Nll, double GradientNorm, double GradientMax, double StartNll, int Iterations,
    int Evaluations, bool Converged, string Status);
