using Hub.Adapters.Exemption;

namespace Hub.Adapters.Ports;

/// <summary>Registered matters (政务服务事项), as the exemption checks read them.</summary>
public interface IMatterCatalogue
{
    Task<MatterDefinition?> FindAsync(string matterCode, CancellationToken cancellationToken);
}
