using Diml.Fitting;

namespace Diml.Tests.Fitting;

public sealed class AdamOptimizerTests
{
    [Fact]
    public void Adam_MatchesHandComputedPyTorchSteps()
    {
        // torch.optim.Adam([θ], lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01) from θ = (1, −2),
        // gradients (0.5, −0.1) then (0.3, 0.2). Step 1 by hand: g = 0.5 + 0.01·1 = 0.51, m = 0.051,
        // v = 2.601e-4, step size = 0.1 / (1 − 0.9) = 1, denominator = √v / √(1 − 0.999) + 1e-8 = 0.51 + 1e-8,
        // so θ = 1 − 0.051 / (0.51 + 1e-8) = 0.9000000019607843. Step 2 (same formulas, t = 2) in double.
        var adam = new AdamOptimizer(2, learningRate: 0.1, weightDecay: 0.01);
        float[] theta = [1f, -2f];
        adam.Step(theta, [0.5f, -0.1f]);
        Assert.Equal(0.9000000019607843, theta[0], 6);
        Assert.Equal(-1.9000000083333326, theta[1], 6);
        Assert.Equal(0.051, adam.FirstMoment[0], 7);
        Assert.Equal(2.601e-4, adam.SecondMoment[0], 9);
        adam.Step(theta, [0.3f, 0.2f]);
        Assert.Equal(0.8041253878165843, theta[0], 6);
        Assert.Equal(-1.9250178844796886, theta[1], 6);
        Assert.Equal(2, adam.StepCount);
    }

    [Fact]
    public void Adam_WithoutWeightDecay_FirstStepIsLearningRateTimesSign()
    {
        var adam = new AdamOptimizer(3, learningRate: 1e-3);
        float[] theta = [0f, 0f, 0f];
        adam.Step(theta, [2f, -1e-3f, 0f]);
        Assert.Equal(-1e-3f, theta[0], 6);
        Assert.Equal(1e-3f, theta[1], 6);
        Assert.Equal(0f, theta[2]);
    }

    [Fact]
    public void Clipping_ScalesToGlobalNorm()
    {
        float[] gradient = [3f, 4f]; // norm 5
        double norm = GradientClipping.ClipToGlobalNorm(gradient, 1.0);
        Assert.Equal(5.0, norm, 12);
        // torch: coefficient = max_norm / (norm + 1e-6)
        Assert.Equal(3 / (5 + 1e-6), gradient[0], 6);
        Assert.Equal(4 / (5 + 1e-6), gradient[1], 6);
        double after = Math.Sqrt((gradient[0] * gradient[0]) + (gradient[1] * gradient[1]));
        Assert.Equal(1.0, after, 5);
    }

    [Fact]
    public void Clipping_LeavesSmallGradientsUnchanged()
    {
        float[] gradient = [0.3f, -0.4f];
        double norm = GradientClipping.ClipToGlobalNorm(gradient, 1.0);
        Assert.Equal(0.5, norm, 6);
        Assert.Equal([0.3f, -0.4f], gradient);
    }

    [Fact]
    public void Adam_RejectsMismatchedLengths_NamingExpectedAndFound()
    {
        var adam = new AdamOptimizer(2);
        var error = Assert.Throws<ArgumentException>(() => adam.Step(new float[3], new float[2]));
        Assert.Contains("expected 2", error.Message);
        Assert.Contains("found 3", error.Message);
    }
}
