using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Ir;
using Diml.Generators.Model;

namespace Diml.Generators.Analysis;

/// <summary>
/// Scalars whose value is the same wherever they can be read: parameters never assigned, and locals with one
/// top-level declaration and no other write (the reverse sweep never restores them to another value). Index and
/// length expressions built from them mean the same in the forward and the reverse sweep.
/// </summary>
internal static class StableScalars
{
    public static HashSet<string> Of(KernelMethod method)
    {
        var all = Statements.All(method.Body).ToList();
        var assigned = new HashSet<string>(all.OfType<Assign>().Select(a => Activity.Root(a.Target)).Where(r => r is not null).Select(r => r!));
        assigned.UnionWith(all.OfType<ForLoop>().Select(l => l.Variable));
        var declaredOnce = method.Body.Statements.OfType<DeclareLocal>().Where(d => !d.InLoop && d.Init is not null).GroupBy(d => d.Name)
            .Where(g => g.Count() == 1).Select(g => g.Key);
        var nested = new HashSet<string>(all.OfType<DeclareLocal>().Where(d => !method.Body.Statements.Contains(d)).Select(d => d.Name));
        var stable = new HashSet<string>(method.Parameters.Select(p => p.Name));
        stable.UnionWith(declaredOnce.Where(n => !nested.Contains(n)));
        stable.ExceptWith(assigned);
        return stable;
    }

    /// <summary>Whether <paramref name="expr"/> is built from literals, constants, lengths and <paramref name="stable"/> scalars only.</summary>
    public static bool IsStable(Expr expr, HashSet<string> stable) => Statements.Descendants(expr).All(e => e switch
    {
        Literal or ConstantRef or LengthExpr => true,
        LocalRef local => stable.Contains(local.Name),
        UnaryExpr or BinaryExpr or CastExpr => true,
        _ => false,
    });
}
