using Google.Protobuf;
using Hub.Licenses.V1;
using Hub.Server.Infrastructure.Postgres;
using Hub.Tests.Support;

namespace Hub.Tests.Unit;

/// <summary>The form a request_id remembers: map order on the wire does not make another request.</summary>
[Trait("Category", "Unit")]
public sealed class CanonicalRequestUnitTests
{
    [Fact]
    public void The_same_face_in_another_order_hashes_alike_and_other_content_does_not()
    {
        var request = LicenseScenario.IssueRequest("XA-1");
        var reordered = request.Clone();
        reordered.Face.Clear();
        foreach (var (name, value) in request.Face.Reverse())
        {
            reordered.Face.Add(name, value);
        }

        var changed = request.Clone();
        changed.Face["category"] = "B类";

        Assert.NotEqual(request.ToByteString(), reordered.ToByteString());
        Assert.Equal(CanonicalRequest.Hash(request), CanonicalRequest.Hash(reordered));
        Assert.NotEqual(CanonicalRequest.Hash(request), CanonicalRequest.Hash(changed));
        Assert.Equal(request.Face.Keys, reordered.Face.Keys.Reverse()); // the caller's message is left as it was
    }

    [Fact]
    public void Maps_inside_repeated_messages_are_sorted_too()
    {
        var one = new ImportLicensesRequest { Records = { new ImportRecord { Face = { ["b"] = "2", ["a"] = "1" } } } };
        var other = new ImportLicensesRequest { Records = { new ImportRecord { Face = { ["a"] = "1", ["b"] = "2" } } } };

        Assert.Equal(CanonicalRequest.Hash(one), CanonicalRequest.Hash(other));
    }
}
