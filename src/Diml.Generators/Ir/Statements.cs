using System.Collections.Generic;

namespace Diml.Generators.Ir;

/// <summary>Walks the statement tree.</summary>
internal static class Statements
{
    /// <summary>Every statement in <paramref name="statement"/>, itself included, in program order (loop and branch bodies inline).</summary>
    public static IEnumerable<Stmt> All(Stmt statement)
    {
        yield return statement;
        IEnumerable<Stmt> children = statement switch
        {
            Block block => block.Statements,
            ForLoop loop => new Stmt[] { loop.Body },
            IfStmt { Else: { } otherwise } branch => new Stmt[] { branch.Then, otherwise },
            IfStmt branch => new Stmt[] { branch.Then },
            _ => System.Array.Empty<Stmt>(),
        };
        foreach (var child in children)
            foreach (var descendant in All(child))
                yield return descendant;
    }
}
