using Diml.Generators.Diagnostics;

namespace Diml.Generators.Model;

/// <summary>
/// What the parse step yields for one annotated declaration: the model to emit (null when errors prevent
/// it) and the diagnostics, which flow to a separate output so that moving code around does not re-emit.
/// </summary>
internal sealed record ParseResult<T>(T? Model, ImmutableEquatableArray<DiagnosticInfo> Diagnostics) where T : class;
