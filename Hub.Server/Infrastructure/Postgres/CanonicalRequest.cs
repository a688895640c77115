using System.Collections;
using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>
/// The form of a request its request_id remembers. Protobuf does not fix the order of map entries on the wire (Go
/// clients randomise it), so a genuine retry of a request with a <c>face</c> map may arrive with the same entries in
/// another order: the hash is taken over a copy whose maps are sorted by key, at every depth.
/// </summary>
public static class CanonicalRequest
{
    public static byte[] Hash(IMessage request)
    {
        var copy = request.Descriptor.Parser.ParseFrom(request.ToByteString());
        SortMaps(copy);
        return SHA256.HashData(copy.ToByteArray());
    }

    private static void SortMaps(IMessage message)
    {
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
            {
                var map = (IDictionary)value;
                var entries = map.Keys.Cast<object>().OrderBy(k => k, KeyOrder.Instance).Select(k => (Key: k, Value: map[k])).ToList();
                map.Clear();
                foreach (var (key, entry) in entries)
                {
                    if (entry is IMessage nested)
                    {
                        SortMaps(nested);
                    }

                    map.Add(key, entry);
                }
            }
            else if (field.FieldType == FieldType.Message)
            {
                var nested = field.IsRepeated ? ((IList)value).OfType<IMessage>() : value is IMessage one ? [one] : [];
                foreach (var item in nested)
                {
                    SortMaps(item);
                }
            }
        }
    }

    /// <summary>Map keys are strings, integers or booleans: ordinal for strings, natural order for the rest.</summary>
    private sealed class KeyOrder : IComparer<object>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare(object? x, object? y) => x is string a && y is string b
            ? string.CompareOrdinal(a, b)
            : Comparer<object>.Default.Compare(x, y);
    }
}
