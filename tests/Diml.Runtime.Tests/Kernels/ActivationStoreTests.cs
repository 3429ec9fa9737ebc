using Diml.Kernels;

namespace Diml.Tests.Kernels;

/// <summary>The forward activations a fit keeps for its adjoint: read back only in a loading scope of the same version and row length.</summary>
public class ActivationStoreTests
{
    private static float[] Rows(int count, int stride, float start)
    {
        var values = new float[count * stride];
        for (int i = 0; i < values.Length; i++) values[i] = start + i;
        return values;
    }

    [Fact]
    public void KeptRows_AreReadBackByRowNumber_InALoadingScopeOfTheSameVersion()
    {
        var store = new ActivationStore(1 << 20);
        var kept = Rows(3, 4, 1f);
        using (ActivationStore.Keeping(store, [5, 0, 2], version: 7))
            ActivationStore.Keep(0, kept, 4, 3);
        Assert.True(store.Floats >= 6 * 4);
        // Another batch of the same queries, in another order: rows 2 and 5.
        var read = new float[2 * 4];
        using (ActivationStore.Loading(store, [2, 5], version: 7))
            Assert.True(ActivationStore.TryLoad(0, read, 4, 2));
        Assert.Equal(kept[8..12].Concat(kept[0..4]), read);
    }

    [Fact]
    public void AnotherVersion_AnotherRowLength_AnUnknownLayer_OrNoScope_AreNotRead()
    {
        var store = new ActivationStore(1 << 20);
        using (ActivationStore.Keeping(store, [0, 1], version: 3))
            ActivationStore.Keep(0, Rows(2, 4, 0f), 4, 2);
        var read = new float[8];
        using (ActivationStore.Loading(store, [0, 1], version: 4))
            Assert.False(ActivationStore.TryLoad(0, read, 4, 2));
        using (ActivationStore.Loading(store, [0, 1], version: 3))
        {
            Assert.False(ActivationStore.TryLoad(0, read, 2, 2));
            Assert.False(ActivationStore.TryLoad(1, read, 4, 2));
        }
        Assert.False(ActivationStore.TryLoad(0, read, 4, 2));
        Assert.All(read, v => Assert.Equal(0f, v));
        // Outside a keeping scope a kernel keeps nothing.
        var other = new ActivationStore(1 << 20);
        ActivationStore.Keep(0, Rows(2, 4, 0f), 4, 2);
        Assert.Equal(0, other.Floats);
    }

    [Fact]
    public void ALayerBeyondTheLimit_IsNotKept_AndItsAdjointRecomputes()
    {
        var store = new ActivationStore(limitFloats: 10);
        using (ActivationStore.Keeping(store, [0, 1, 2], version: 1))
            ActivationStore.Keep(0, Rows(3, 4, 0f), 4, 3);   // 12 floats > 10
        Assert.Equal(0, store.Floats);
        using (ActivationStore.Loading(store, [0, 1, 2], version: 1))
            Assert.False(ActivationStore.TryLoad(0, new float[12], 4, 3));
    }

    [Fact]
    public void TheDefaultScope_LeavesTheThreadsScopeAlone()
    {
        var store = new ActivationStore(1 << 20);
        using (ActivationStore.Keeping(store, [0], version: 2))
        {
            using (default(ActivationStore.Scope)) { }
            ActivationStore.Keep(0, Rows(1, 3, 1f), 3, 1);
        }
        Assert.True(store.Floats >= 3);
    }
}
