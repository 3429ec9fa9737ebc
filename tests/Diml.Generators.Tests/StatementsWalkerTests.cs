using Diml.Generators.Analysis;
using Diml.Generators.Ir;
using Diml.Generators.Model;

namespace Diml.Generators.Tests;

/// <summary>The one IR walker enters adjoint nodes as well as forward ones, so passes over adjoint IR see what it runs.</summary>
public class StatementsWalkerTests
{
    private static LocalRef Real(string name) => new(name, ValueKind.Real);

    private static Block BlockOf(params Stmt[] statements) => new(new ImmutableEquatableArray<Stmt>(statements));

    [Fact]
    public void Walker_EntersSweepLoopsPerQueryLoopsBranchesAndAdjointPlaces()
    {
        var loop = new ForLoop("i", new Literal(0, ValueKind.Int), BinaryOperator.Less, new LocalRef("n", ValueKind.Int), 1, BlockOf(), false);
        var adjoint = BlockOf(
            new SweepLoop(loop, new LocalRef("loop1Start", ValueKind.Int), BlockOf(new TapePop(Real("popped")))),
            new PerQuery(BlockOf(new Assign(new BarRef(Real("accumulated")), AssignOperator.Add, new Grouped(Real("seed")), false)), Backwards: true),
            new SweepBranch(new LocalRef("flag", ValueKind.Bool), BlockOf(new ClearBar(Real("cleared"), false)), null),
            new ReversesComment(new Assign(Real("quoted"), AssignOperator.Set, Real("quotedValue"), false)));

        var names = new HashSet<string>();
        Names.Collect(adjoint, names);

        Assert.Superset(new HashSet<string> { "n", "loop1Start", "popped", "accumulated", "seed", "flag", "cleared" }, names);
        // A comment quoting a forward statement runs nothing.
        Assert.DoesNotContain("quoted", names);
        Assert.Contains(Statements.All(adjoint), s => s is TapePop);
    }
}
