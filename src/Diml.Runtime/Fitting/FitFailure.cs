namespace Diml.Fitting;

/// <summary>Why and where a fit stopped early on a non-finite loss or gradient.</summary>
/// <param name="Epoch">1-based epoch in which it happened.</param>
/// <param name="Minibatch">1-based minibatch within the epoch.</param>
/// <param name="Message">What was non-finite and the usual remedies.</param>
public sealed record FitFailure(int Epoch, int Minibatch, string Message);
