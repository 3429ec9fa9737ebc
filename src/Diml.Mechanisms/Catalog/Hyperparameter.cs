namespace Diml.Mechanisms;

/// <summary>One hyperparameter of a catalogued learning rule; the command line offers it as <c>--Name</c>.</summary>
/// <param name="Name">The name, as model files record it and as the option is spelled (<c>alpha</c> → <c>--alpha</c>).</param>
/// <param name="Symbol">The symbol in the model's notation (α, β, ...), for help.</param>
/// <param name="Default">The value used when none is given.</param>
/// <param name="Expected">What a valid value is, for messages ("a step size in (0, 1]").</param>
/// <param name="IsValid">Whether a value is allowed.</param>
public sealed record Hyperparameter(string Name, string Symbol, double Default, string Expected, Func<double, bool> IsValid);
