using Diml.Data;
using Diml.Evaluation.Baselines;

namespace Diml.Evaluation.Tests.Baselines;

public sealed class JointBcTests
{
    /// <summary>Episodes in which agent i's next action is (its previous action + 1 + i) mod A, from random starts.</summary>
    private static Trajectories DeterministicPattern(int agents, int actions, int episodes, int steps, int seed)
    {
        var random = new Random(seed);
        var data = new int[episodes * steps * agents];
        for (int e = 0; e < episodes; e++)
            for (int t = 0; t < steps; t++)
                for (int i = 0; i < agents; i++)
                {
                    int index = (e * steps + t) * agents + i;
                    data[index] = t == 0 ? random.Next(actions) : (data[index - agents] + 1 + i) % actions;
                }
        return new Trajectories(new GameShape(agents, actions), episodes, steps, data);
    }

    private static readonly JointBcOptions Small = new() { Hidden = 32, Epochs = 30, BatchSize = 32, Seed = 3, Threads = 2 };

    [Fact]
    public void Train_LearnsADeterministicNextActionRule()
    {
        var (train, test) = DeterministicPattern(agents: 2, actions: 3, episodes: 30, steps: 12, seed: 1).Split();
        var before = new JointBcModel(train.Shape, 5, 32);
        before.Initialize(new Random(3));
        var untrained = before.Evaluate(test);
        var score = JointBc.Train(train, Small).Evaluate(test);
        Assert.Equal(6L * 11 * 2, score.AgentSteps);
        Assert.True(score.Accuracy > 0.98, $"accuracy {score.Accuracy}");
        Assert.True(score.Nll < 0.1, $"NLL {score.Nll}");
        Assert.True(untrained.Nll > 0.8, $"untrained NLL {untrained.Nll}");
    }

    [Fact]
    public void Train_IsBitIdenticalForASeed_OnOneAndTwoThreads()
    {
        var train = DeterministicPattern(agents: 3, actions: 2, episodes: 10, steps: 8, seed: 2);
        var options = Small with { Epochs = 3, BatchSize = 20 };
        var one = JointBc.Train(train, options with { Threads = 1 }).Parameters.ToArray();
        var two = JointBc.Train(train, options with { Threads = 2 }).Parameters.ToArray();
        var other = JointBc.Train(train, options with { Seed = 4 }).Parameters.ToArray();
        Assert.Equal(one, two);
        Assert.NotEqual(one, other);
    }

    [Fact]
    public void WriteHistory_IsChronological_AndPadsBeforeTheStart()
    {
        int[] episode = [0, 1, 2, 0, 1, 1];   // 3 steps of 2 agents
        var history = new int[4 * 2];
        JointBcModel.WriteHistory(episode, 2, 1, history);
        Assert.Equal([-1, -1, -1, -1, 0, 1, 2, 0], history);
        var short2 = new int[2 * 2];
        JointBcModel.WriteHistory(episode, 2, 2, short2);
        Assert.Equal([2, 0, 1, 1], short2);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ExampleLoss_GeneratedGradient_MatchesFiniteDifferences(int seed)
    {
        var model = new JointBcModel(new GameShape(2, 3), historyLength: 2, hidden: 6);
        model.Initialize(new Random(seed));
        int[] history = [-1, -1, 2, 0];   // one padded step, then the joint action (2, 0)
        int[] next = [1, 2];
        var function = new ExampleLossFunction(model, history, next);
        var point = model.Parameters.ToArray().Select(v => (double)v).ToArray();
        var report = GradientCheck.Run(function, point, seed);
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(model.Parameters.Length, report.Coordinates);
    }

    [Fact]
    public void ExampleLoss_IsTheCrossEntropyOfTheHeads()
    {
        var model = new JointBcModel(new GameShape(2, 3), historyLength: 2, hidden: 4);
        model.Initialize(new Random(5));
        int[] history = [1, 0, 2, 2];
        int[] next = [0, 2];
        var logits = new float[6];
        model.Logits(history, logits);
        double expected = 0;
        for (int i = 0; i < 2; i++)
        {
            double sum = 0;
            for (int k = 0; k < 3; k++) sum += Math.Exp(logits[i * 3 + k]);
            expected += Math.Log(sum) - logits[i * 3 + next[i]];
        }
        var w = model.Split(model.Parameters);
        Assert.Equal(expected, JointBcNetwork.ExampleLoss(w.W1, w.B1, w.W2, w.B2, w.W3, w.B3, history, next, 3), 5);
    }

    /// <summary>The example loss as a function of the flat weights, through the generated twins and adjoints.</summary>
    private sealed class ExampleLossFunction(JointBcModel model, int[] history, int[] next) : IFlatFunction
    {
        public string Name => "JointBcNetwork.ExampleLoss";
        public int InputLength => model.Parameters.Length;
        public int OutputLength => 1;

        private (int Offset, int Length)[] Blocks()
        {
            int h = model.Hidden, o = model.Outputs, offset = 0;
            int[] lengths = [h * model.Inputs, h, h * h, h, o * h, o];
            var blocks = new (int, int)[6];
            for (int b = 0; b < 6; b++) { blocks[b] = (offset, lengths[b]); offset += lengths[b]; }
            return blocks;
        }

        public void Evaluate(ReadOnlySpan<double> input, Span<double> output)
        {
            var b = Blocks();
            output[0] = JointBcNetwork.ExampleLossDouble(input.Slice(b[0].Offset, b[0].Length), input.Slice(b[1].Offset, b[1].Length),
                input.Slice(b[2].Offset, b[2].Length), input.Slice(b[3].Offset, b[3].Length), input.Slice(b[4].Offset, b[4].Length),
                input.Slice(b[5].Offset, b[5].Length), history, next, model.Shape.Actions);
        }

        public void Adjoint(ReadOnlySpan<double> input, ReadOnlySpan<double> outputBar, Span<double> inputBar)
        {
            var b = Blocks();
            JointBcNetwork.ExampleLossDoubleAdjoint(input.Slice(b[0].Offset, b[0].Length), input.Slice(b[1].Offset, b[1].Length),
                input.Slice(b[2].Offset, b[2].Length), input.Slice(b[3].Offset, b[3].Length), input.Slice(b[4].Offset, b[4].Length),
                input.Slice(b[5].Offset, b[5].Length), history, next, model.Shape.Actions, outputBar[0],
                inputBar.Slice(b[0].Offset, b[0].Length), inputBar.Slice(b[1].Offset, b[1].Length), inputBar.Slice(b[2].Offset, b[2].Length),
                inputBar.Slice(b[3].Offset, b[3].Length), inputBar.Slice(b[4].Offset, b[4].Length), inputBar.Slice(b[5].Offset, b[5].Length));
        }

        public void Evaluate(ReadOnlySpan<float> input, Span<float> output)
        {
            var b = Blocks();
            output[0] = JointBcNetwork.ExampleLoss(input.Slice(b[0].Offset, b[0].Length), input.Slice(b[1].Offset, b[1].Length),
                input.Slice(b[2].Offset, b[2].Length), input.Slice(b[3].Offset, b[3].Length), input.Slice(b[4].Offset, b[4].Length),
                input.Slice(b[5].Offset, b[5].Length), history, next, model.Shape.Actions);
        }

        public void Adjoint(ReadOnlySpan<float> input, ReadOnlySpan<float> outputBar, Span<float> inputBar)
        {
            var b = Blocks();
            JointBcNetwork.ExampleLossAdjoint(input.Slice(b[0].Offset, b[0].Length), input.Slice(b[1].Offset, b[1].Length),
                input.Slice(b[2].Offset, b[2].Length), input.Slice(b[3].Offset, b[3].Length), input.Slice(b[4].Offset, b[4].Length),
                input.Slice(b[5].Offset, b[5].Length), history, next, model.Shape.Actions, outputBar[0],
                inputBar.Slice(b[0].Offset, b[0].Length), inputBar.Slice(b[1].Offset, b[1].Length), inputBar.Slice(b[2].Offset, b[2].Length),
                inputBar.Slice(b[3].Offset, b[3].Length), inputBar.Slice(b[4].Offset, b[4].Length), inputBar.Slice(b[5].Offset, b[5].Length));
        }
    }
}
