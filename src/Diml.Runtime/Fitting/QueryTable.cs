using System.Numerics;
using System.Runtime.CompilerServices;

namespace Diml.Fitting;

/// <summary>
/// An insertion-ordered set of fixed-length integer keys (mechanism queries: joint profiles, contexts,
/// count vectors) with open addressing. Keys are numbered 0, 1, 2, … in the order first added, so a
/// deduplicated plan is the same whatever thread later evaluates it. Buffers are sized once; clearing bumps
/// a stamp instead of wiping the slot array, so a reset costs nothing and nothing is allocated per batch.
/// </summary>
internal sealed class QueryTable
{
    private readonly int _keyLength;
    private readonly int[] _keys;       // entry-major: entry q occupies [q·keyLength, (q+1)·keyLength)
    private readonly int[] _slotEntry;  // slot → entry index
    private readonly int[] _slotStamp;  // slot is occupied iff its stamp equals _stamp
    private readonly int _mask;
    private int _stamp = 1;

    /// <summary>A table for up to <paramref name="capacity"/> distinct keys of <paramref name="keyLength"/> ints.</summary>
    public QueryTable(int keyLength, int capacity)
    {
        ThrowHelper.IfNotPositive(keyLength, nameof(keyLength));
        capacity = Math.Max(1, capacity);
        _keyLength = keyLength;
        Capacity = capacity;
        _keys = new int[checked(capacity * keyLength)];
        // Load factor ≤ 1/2 keeps probe sequences short.
        int slots = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, capacity * 2));
        _slotEntry = new int[slots];
        _slotStamp = new int[slots];
        _mask = slots - 1;
    }

    /// <summary>Largest number of distinct keys the table holds.</summary>
    public int Capacity { get; }

    /// <summary>Number of keys added since the last <see cref="Clear"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Key of entry <paramref name="index"/>.</summary>
    public ReadOnlySpan<int> Key(int index) => _keys.AsSpan(index * _keyLength, _keyLength);

    /// <summary>Forgets every key; the buffers are kept.</summary>
    public void Clear()
    {
        Count = 0;
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_slotStamp);
            _stamp = 1;
        }
    }

    /// <summary>
    /// The index of <paramref name="key"/>, adding it if new. With <paramref name="deduplicate"/> false
    /// every call adds a fresh entry (the naive plan, used to test that deduplication changes nothing).
    /// </summary>
    public int Add(ReadOnlySpan<int> key, bool deduplicate = true)
    {
        if (!deduplicate) return Append(key);
        int slot = (int)Hash(key) & _mask;
        while (_slotStamp[slot] == _stamp)
        {
            int entry = _slotEntry[slot];
            if (key.SequenceEqual(Key(entry))) return entry;
            slot = (slot + 1) & _mask;
        }
        int index = Append(key);
        _slotStamp[slot] = _stamp;
        _slotEntry[slot] = index;
        return index;
    }

    private int Append(ReadOnlySpan<int> key)
    {
        if (Count == Capacity)
            throw new InvalidOperationException($"The query table is full ({Capacity} keys); the plan was sized too small.");
        int index = Count++;
        key.CopyTo(_keys.AsSpan(index * _keyLength, _keyLength));
        return index;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ReadOnlySpan<int> key)
    {
        // Multiply–rotate mixing per int and a final avalanche: cheap, and good enough for small ints.
        uint h = 0x811C9DC5u;
        foreach (int v in key)
            h = BitOperations.RotateLeft((h ^ (uint)v) * 0x9E3779B1u, 13);
        h ^= h >> 16;
        h *= 0x85EBCA6Bu;
        h ^= h >> 13;
        return h;
    }
}
