using System;
using System.Linq;
using Diml.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Diml.Generators.Diagnostics;

/// <summary>A diagnostic as plain values: descriptor id, location and message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, ImmutableEquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments)
        => new(descriptor.Id, location, arguments.ToEquatable());

    public Diagnostic ToDiagnostic()
    {
        DiagnosticDescriptor descriptor = DiagnosticDescriptors.ById(Id);
        return Diagnostic.Create(descriptor, Location?.ToLocation(), Arguments.Cast<object>().ToArray());
    }
}
