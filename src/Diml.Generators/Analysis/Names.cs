using System.Collections.Generic;
using Diml.Generators.Ir;

namespace Diml.Generators.Analysis;

/// <summary>Collects every local a statement or expression mentions (through the one IR walker).</summary>
internal static class Names
{
    public static void Collect(Stmt statement, HashSet<string> names)
    {
        foreach (var s in Statements.All(statement))
        {
            switch (s)
            {
                case DeclareLocal declare: names.Add(declare.Name); break;
                case StackAlloc alloc: names.Add(alloc.Name); break;
                case SpanAlias alias: names.Add(alias.Name); break;
                case ForLoop loop: names.Add(loop.Variable); break;
            }
            foreach (var expr in Statements.OwnExpressions(s)) Collect(expr, names);
        }
    }

    public static void Collect(Expr expr, HashSet<string> names)
    {
        foreach (var e in Statements.Descendants(expr))
            if (e is LocalRef local) names.Add(local.Name);
    }
}
