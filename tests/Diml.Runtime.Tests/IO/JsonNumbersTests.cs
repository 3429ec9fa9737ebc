using System.Text;
using System.Text.Json;
using Diml.IO;

namespace Diml.Runtime.Tests.IO;

public sealed class JsonNumbersTests
{
    [Fact]
    public void NonFiniteAndAbsentNumbers_AreWrittenAsNull_AndFiniteOnesAsNumbers()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumberOrNull("a", 1.5);
            w.WriteNumberOrNull("b", double.NaN);
            w.WriteNumberOrNull("c", double.PositiveInfinity);
            w.WriteNumberOrNull("d", null);
            w.WriteStartArray("e");
            w.WriteNumberOrNullValue(-2);
            w.WriteNumberOrNullValue(double.NegativeInfinity);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        Assert.Equal("""{"a":1.5,"b":null,"c":null,"d":null,"e":[-2,null]}""", Encoding.UTF8.GetString(stream.ToArray()));
    }
}
