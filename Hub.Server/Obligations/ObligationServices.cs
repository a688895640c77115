using Hub.Adapters.Ports;
using Hub.Core.Time;
using Hub.Server.Exchange;
using Microsoft.Extensions.Options;

namespace Hub.Server.Obligations;

/// <summary>承诺办 / 容缺办's composition root: the store (also CheckMatter's view of an applicant), the desk, the overdue notice.</summary>
public static class ObligationServices
{
    public static IServiceCollection AddObligations(this IServiceCollection services)
    {
        // One working calendar for grants' due dates and obligations' deadlines (Hub:Exchange:Holidays, MakeupWorkdays).
        services.AddSingleton<WorkingCalendar>(provider => provider.GetRequiredService<IOptions<ExchangeOptions>>().Value.Calendar());
        services.AddSingleton<PostgresObligationStore>();
        services.AddSingleton<IObligationStore>(provider => provider.GetRequiredService<PostgresObligationStore>());
        services.AddSingleton<IApplicantStanding>(provider => provider.GetRequiredService<PostgresObligationStore>());
        services.AddSingleton<ObligationDesk>();
        services.AddSingleton<Hub.Core.Ports.IDateNotice, ObligationOverdueNotice>();
        return services;
    }
}
