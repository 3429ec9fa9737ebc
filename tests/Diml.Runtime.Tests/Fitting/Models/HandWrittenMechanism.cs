namespace Diml.Tests.Fitting.Models;

/// <summary>
/// What the generator will emit for every mechanism, written by hand for the test mechanisms: parameter
/// storage, layout, read/write, initialisation and the gradient self-check.
/// </summary>
public abstract class HandWrittenMechanism(string name, PayoffForm form, ParameterLayout layout) : IMechanism
{
    protected float[] Theta { get; } = new float[layout.TotalLength];

    public string ModelName => name;
    public PayoffForm Form => form;
    public ParameterLayout Layout => layout;

    public void ReadParameters(Span<float> destination) => Theta.CopyTo(destination);
    public void WriteParameters(ReadOnlySpan<float> source) => source.CopyTo(Theta);
    public float[] Parameters() => (float[])Theta.Clone();

    /// <summary>Uniform on ±scale, deterministic for a given generator.</summary>
    public virtual void InitializeParameters(Random random)
    {
        for (int j = 0; j < Theta.Length; j++) Theta[j] = (float)((random.NextDouble() * 2) - 1) * 0.5f;
    }

    public GradientCheckReport CheckGradients(int agents, int actions, int seed = 1)
    {
        var random = new Random(seed);
        int[] query;
        int agent = random.Next(Form == PayoffForm.Anonymous ? actions : agents);
        if (Form == PayoffForm.Anonymous)
        {
            query = new int[actions];
            for (int i = 0; i < agents - 1; i++) query[random.Next(actions)]++;
        }
        else
        {
            query = new int[agents];
            for (int i = 0; i < agents; i++) query[i] = random.Next(actions);
        }
        var point = new double[Theta.Length];
        for (int j = 0; j < point.Length; j++) point[j] = Theta[j];
        return GradientCheck.Run(new MechanismQueryFunction(this, query, agent), point, seed);
    }
}
