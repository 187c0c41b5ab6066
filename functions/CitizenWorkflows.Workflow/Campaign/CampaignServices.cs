using CitizenWorkflows.Workflow.Campaign.Appointments;
using CitizenWorkflows.Workflow.Campaign.Sessions;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Workflow.Campaign;

public static class CampaignServices
{
    /// <summary>The campaign's stores, endpoints and sweep.</summary>
    public static IServiceCollection AddCampaign(this IServiceCollection services)
    {
        services.AddSingleton<IntakeSessions>();
        services.AddSingleton<IntakeSessionEndpoints>();
        services.AddSingleton<AppointmentBook>();
        services.AddSingleton<AppointmentNotices>();
        services.AddSingleton<AppointmentEndpoints>();
        services.AddSingleton<CampaignSweep>();
        services.AddSingleton<AppointmentCheckIn>();
        services.AddSingleton<Targets.CampaignTargets>();
        services.AddSingleton<Targets.CampaignProgress>();
        services.AddSingleton<Targets.CampaignTargetEndpoints>();
        services.AddTables(CampaignTable.TableName, Targets.CampaignTargets.TableName);
        return services;
    }
}
