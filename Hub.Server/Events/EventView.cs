using Google.Protobuf.WellKnownTypes;
using Hub.Common.V1;
using Hub.Core.Disclosure;
using Hub.Core.Events;
using Hub.Events.V1;

namespace Hub.Server.Events;

/// <summary>
/// An event as one reader receives it: each fact through the one disclosure policy at the reader's clearance (an
/// event's facts are never masked: they are sent whole or withheld by name).
/// </summary>
public static class EventView
{
    public static Event Build(StoredEvent stored, DataLevel clearance)
    {
        var view = new Event
        {
            EventId = (ulong)stored.EventId,
            Type = stored.EventType,
            ObjectType = stored.ObjectType,
            ObjectId = stored.ObjectId,
            OccurredAt = Timestamp.FromDateTimeOffset(stored.OccurredAt),
            LogIndex = (ulong)stored.LogIndex,
            LicenseType = stored.LicenseType ?? string.Empty,
            IssuerOrg = stored.IssuerOrg ?? string.Empty,
            MatterCode = stored.MatterCode ?? string.Empty,
        };
        var context = new DisclosureContext(clearance);
        foreach (var fact in EventFacts.FromJson(stored.Data))
        {
            var spec = new FieldSpec { Name = fact.Name, Kind = FieldKind.String, Level = fact.Level, Mask = MaskRule.None };
            if (DisclosurePolicy.Decide(spec, context).Decision == DisclosureDecision.Plain)
            {
                view.Data[fact.Name] = fact.Value;
            }
            else
            {
                view.Withheld.Add(fact.Name);
            }
        }

        return view;
    }
}
