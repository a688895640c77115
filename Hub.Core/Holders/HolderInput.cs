using Hub.Common.V1;

namespace Hub.Core.Holders;

/// <summary>A validated holder from a request: name, id type and normalized number (see <see cref="HolderInputParser"/>).</summary>
public sealed record HolderInput(string Name, HolderIdType IdType, string IdNumber)
{
    public const int MaxNameLength = 100;
}
