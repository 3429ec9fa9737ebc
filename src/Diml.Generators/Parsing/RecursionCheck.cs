using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Diml.Generators.Parsing;

/// <summary>Finds direct and mutual recursion among [Differentiable] methods.</summary>
internal static class RecursionCheck
{
    /// <summary>Whether calling <paramref name="callee"/> from <paramref name="caller"/> can reach <paramref name="caller"/> again.</summary>
    public static bool CallsBack(IMethodSymbol callee, IMethodSymbol caller, Compilation compilation, CancellationToken cancellation)
    {
        var visited = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        var pending = new Stack<IMethodSymbol>();
        pending.Push(callee);
        while (pending.Count > 0)
        {
            var method = pending.Pop();
            if (SymbolEqualityComparer.Default.Equals(method, caller)) return true;
            if (!visited.Add(method)) continue;
            foreach (var reference in method.DeclaringSyntaxReferences)
            {
                var node = reference.GetSyntax(cancellation);
                var model = compilation.GetSemanticModel(node.SyntaxTree);
                foreach (var invocation in node.DescendantNodes())
                {
                    if (invocation is not InvocationExpressionSyntax) continue;
                    if (model.GetSymbolInfo(invocation, cancellation).Symbol is IMethodSymbol next
                        && SymbolFacts.HasAttribute(next, KnownNames.Differentiable))
                        pending.Push(next.OriginalDefinition);
                }
            }
        }
        return false;
    }
}
