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

    [Fact]
    public void ConsecutiveRows_AreWrittenAndReadWhereTheyLie_OthersAreCopied()
    {
        var store = new ActivationStore(1 << 20);
        var fallback = new float[3 * 4];
        using (ActivationStore.Keeping(store, [4, 5, 6], version: 9))
        {
            var rows = ActivationStore.RowsToKeep(0, 4, 3, fallback);
            Assert.False(rows.Overlaps(fallback));
            Rows(3, 4, 1f).CopyTo(rows);
            ActivationStore.Keep(0, rows, 4, 3);   // the store's own rows: nothing to copy, but now kept
        }
        // Read in place: the span points into the store, holding what the kernel wrote.
        Span<float> read = new float[3 * 4];
        var ownBuffer = read;
        using (ActivationStore.Loading(store, [4, 5, 6], version: 9))
            Assert.True(ActivationStore.TryRead(0, ref read, 4, 3));
        Assert.False(read.Overlaps(ownBuffer));
        Assert.Equal(Rows(3, 4, 1f), read.ToArray());
        // Not consecutive: copied into the caller's buffer, which keeps its identity.
        Span<float> scattered = new float[2 * 4];
        var scatteredBuffer = scattered;
        using (ActivationStore.Loading(store, [6, 4], version: 9))
            Assert.True(ActivationStore.TryRead(0, ref scattered, 4, 2));
        Assert.True(scattered == scatteredBuffer);
        Assert.Equal(Rows(3, 4, 1f)[8..12].Concat(Rows(3, 4, 1f)[0..4]), scattered.ToArray());
        // Another version: nothing read, the caller's buffer untouched.
        using (ActivationStore.Loading(store, [4, 5, 6], version: 10))
            Assert.False(ActivationStore.TryRead(0, ref read, 4, 3));
    }

    [Fact]
    public void RowsToKeep_HandsOutTheFallback_OutsideAScope_ForScatteredRows_AndBeyondTheLimit()
    {
        var fallback = new float[8];
        Assert.True(ActivationStore.RowsToKeep(0, 4, 2, fallback) == fallback.AsSpan());
        var store = new ActivationStore(limitFloats: 10);
        using (ActivationStore.Keeping(store, [1, 0], version: 1))
            Assert.True(ActivationStore.RowsToKeep(0, 4, 2, fallback) == fallback.AsSpan());
        var larger = new float[12];
        using (ActivationStore.Keeping(store, [0, 1, 2], version: 1))
            Assert.True(ActivationStore.RowsToKeep(0, 4, 3, larger) == larger.AsSpan());   // 12 floats > 10
        Assert.Equal(0, store.Floats);
        // Within the limit: the store's own rows.
        using (ActivationStore.Keeping(store, [0, 1], version: 2))
            Assert.False(ActivationStore.RowsToKeep(0, 4, 2, fallback).Overlaps(fallback));
        Assert.True(store.Floats >= 8);
    }
}
