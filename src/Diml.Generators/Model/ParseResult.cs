using Diml.Generators.Diagnostics;

namespace Diml.Generators.Model;

/// <summary>
/// What the parse-and-emit step yields for one annotated declaration: the spec (null when errors prevent it),
/// the generated file (null when there is no spec or emission failed) and the diagnostics, which flow to a
/// separate output so that moving code around does not re-emit.
/// </summary>
internal sealed record ParseResult<T>(T? Model, ImmutableEquatableArray<DiagnosticInfo> Diagnostics, GeneratedFile? File = null) where T : class;

/// <summary>One generated source file: its hint name (without <c>.g.cs</c>) and its text.</summary>
internal sealed record GeneratedFile(string HintName, string Source);
