using Diml.Learning;
using Diml.Data;
using Diml.Fitting;
using Diml.Simulation;
using Diml.Tests.Fitting.Models;

namespace Diml.Tests.Fitting;

/// <summary>Small games, mechanisms and data shared by the fitting and simulation tests (fixed seeds).</summary>
internal static class TestGames
{
    public static LogitQ SmallGameLearner() => new(alpha: 0.25f, beta: 3f, epsilon: 0.06f);

    /// <summary>A mechanism of the given form with deterministic random parameters.</summary>
    public static HandWrittenMechanism Mechanism(PayoffForm form, GameShape shape, int seed = 7)
    {
        HandWrittenMechanism mechanism = form switch
        {
            PayoffForm.Joint => new TabularJointMechanism(shape.Agents, shape.Actions),
            PayoffForm.PerAgent => new CongestionMechanism(shape.Actions),
            _ => new LinearAnonymousMechanism(shape.Actions),
        };
        mechanism.InitializeParameters(new Random(seed));
        return mechanism;
    }

    /// <summary>A second mechanism of the same form for the neural stand-in (joint form with a nonlinear map).</summary>
    public static SmallNeuralJointMechanism Neural(GameShape shape, int hidden = 8, int seed = 7)
    {
        var mechanism = new SmallNeuralJointMechanism(shape.Agents, shape.Actions, hidden);
        mechanism.InitializeParameters(new Random(seed));
        return mechanism;
    }

    public static Trajectories Simulate(IMechanism mechanism, GameShape shape, int episodes, int steps, ulong seed = 11, ILearningRule? rule = null)
    {
        var theta = new float[mechanism.Layout.TotalLength];
        mechanism.ReadParameters(theta);
        return Simulator.Simulate(mechanism, theta, rule ?? SmallGameLearner(), shape, episodes, steps, seed);
    }

    public static double[] ToDouble(ReadOnlySpan<float> values)
    {
        var result = new double[values.Length];
        for (int j = 0; j < values.Length; j++) result[j] = values[j];
        return result;
    }

    /// <summary>Bit patterns, so that equality means bit-identical (NaN and −0 included).</summary>
    public static int[] Bits(ReadOnlySpan<float> values)
    {
        var result = new int[values.Length];
        for (int j = 0; j < values.Length; j++) result[j] = BitConverter.SingleToInt32Bits(values[j]);
        return result;
    }
}
