using System;
using System.Collections.Generic;
using System.Linq;
using Diml.Generators.Ir;
using Diml.Generators.Model;

namespace Diml.Generators.Parsing;

/// <summary>
/// Rewrites a body so that every <c>return</c> is in tail position: <c>if (c) { A; return x; } B</c> becomes
/// <c>if (c) { A; return x; } else { B }</c>. The reverse sweep then starts from exactly one return on
/// each path. A return that cannot be moved there (inside a loop) is reported.
/// </summary>
internal static class ReturnNormalizer
{
    public static Block Normalize(Block body, Action<Stmt> reportEarlyReturn)
        => new(NormalizeTail(body.Statements.ToList(), reportEarlyReturn).ToEquatable());

    private static List<Stmt> NormalizeTail(List<Stmt> statements, Action<Stmt> report)
    {
        var result = new List<Stmt>();
        for (int i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            bool last = i == statements.Count - 1;
            switch (statement)
            {
                case ReturnStmt:
                    result.Add(statement);
                    if (!last) report(statement);
                    return result;
                case IfStmt branch when ContainsReturn(branch):
                {
                    var rest = statements.Skip(i + 1).ToList();
                    var then = Continue(branch.Then.Statements.ToList(), rest, report);
                    var otherwise = Continue(branch.Else?.Statements.ToList() ?? new List<Stmt>(), rest, report);
                    result.Add(new IfStmt(branch.Condition, new Block(then.ToEquatable()),
                        otherwise.Count == 0 ? null : new Block(otherwise.ToEquatable()), branch.InLoop));
                    return result;
                }
                case ForLoop loop when ContainsReturn(loop):
                    foreach (var ret in Returns(loop)) report(ret);
                    result.Add(statement);
                    break;
                default:
                    result.Add(statement);
                    break;
            }
        }
        return result;
    }

    /// <summary>A branch followed by the rest of the enclosing block, unless the branch already returns.</summary>
    private static List<Stmt> Continue(List<Stmt> branch, List<Stmt> rest, Action<Stmt> report)
    {
        bool returns = branch.Count > 0 && EndsWithReturn(branch[branch.Count - 1]);
        return NormalizeTail(returns ? branch : branch.Concat(rest).ToList(), report);
    }

    private static bool EndsWithReturn(Stmt statement) => statement switch
    {
        ReturnStmt => true,
        IfStmt branch => branch.Else is not null
            && branch.Then.Statements.Count > 0 && EndsWithReturn(branch.Then.Statements[branch.Then.Statements.Count - 1])
            && branch.Else.Statements.Count > 0 && EndsWithReturn(branch.Else.Statements[branch.Else.Statements.Count - 1]),
        _ => false,
    };

    private static bool ContainsReturn(Stmt statement) => Returns(statement).Any();

    private static IEnumerable<Stmt> Returns(Stmt statement) => statement switch
    {
        ReturnStmt => new[] { statement },
        IfStmt branch => Returns(branch.Then).Concat(branch.Else is null ? Enumerable.Empty<Stmt>() : Returns(branch.Else)),
        ForLoop loop => Returns(loop.Body),
        Block block => block.Statements.SelectMany(Returns),
        _ => Enumerable.Empty<Stmt>(),
    };
}
