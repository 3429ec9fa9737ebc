using Diml.Learning;

namespace Diml.Tests.Learning;

/// <summary>Generated adjoints allocate nothing on the heap once the thread's tape has grown.</summary>
public class GeneratedAdjointAllocationTests
{
    [Fact]
    public void LearningRuleAdjoints_AllocateNothing_InSteadyState()
    {
        ILearningRule rule = new ExperienceWeightedAttraction(0.9f, 0.8f, 0.5f, 2f);
        const int actions = 40;
        int size = rule.StateSize(actions);
        var state = new float[size];
        rule.InitialState(state);
        var payoffs = new float[actions];
        var next = new float[size];
        var nextBar = new float[size];
        var stateBar = new float[size];
        var payoffsBar = new float[actions];
        var logPolicy = new float[actions];
        var logPolicyBar = new float[actions];
        for (int k = 0; k < actions; k++) payoffs[k] = k * 0.1f;
        nextBar.AsSpan().Fill(1f);
        logPolicyBar[3] = -1f;

        void Step()
        {
            rule.Update(state, payoffs, 3, next);
            rule.Response(next, logPolicy);
            rule.ResponseAdjoint(next, logPolicyBar, nextBar);
            rule.UpdateAdjoint(state, payoffs, 3, nextBar, stateBar, payoffsBar);
        }

        Step(); // grows the tape once
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
