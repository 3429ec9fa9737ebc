using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Diml.Generators.Parsing;

/// <summary>
/// Finds the [Param] field a plain member of a mechanism reads, directly or through other members of the same
/// type. A kernel calls such a member as it is, so it would read the field instead of theta (DIML022).
/// </summary>
internal static class ParamReads
{
    /// <summary>The name of the first [Param] field <paramref name="member"/> reads, or null.</summary>
    public static string? FirstRead<T>(ISymbol member, IReadOnlyDictionary<IFieldSymbol, T> parameters, Compilation compilation, CancellationToken cancellation)
    {
        if (parameters.Count == 0) return null;
        var visited = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var pending = new Stack<ISymbol>();
        pending.Push(member.OriginalDefinition);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!visited.Add(current)) continue;
            foreach (var reference in current.DeclaringSyntaxReferences)
            {
                var node = reference.GetSyntax(cancellation);
                var model = compilation.GetSemanticModel(node.SyntaxTree);
                foreach (var name in node.DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    var symbol = model.GetSymbolInfo(name, cancellation).Symbol;
                    if (symbol is IFieldSymbol field && parameters.ContainsKey(field.OriginalDefinition)) return field.Name;
                    // Members of the same type may read a field in turn.
                    if (symbol is IMethodSymbol or IPropertySymbol
                        && SymbolEqualityComparer.Default.Equals(symbol.ContainingType?.OriginalDefinition, member.ContainingType?.OriginalDefinition))
                        pending.Push(symbol.OriginalDefinition);
                }
            }
        }
        return null;
    }
}
