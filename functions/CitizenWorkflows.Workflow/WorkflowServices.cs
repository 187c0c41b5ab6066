using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CitizenWorkflows.Workflow.Approval;
using CitizenWorkflows.Workflow.Biometrics;
using CitizenWorkflows.Workflow.Biometrics.ExternalMatcher;
using CitizenWorkflows.Workflow.Callbacks;
using CitizenWorkflows.Workflow.Campaign;
using CitizenWorkflows.Workflow.Biometrics.Duplicates;
using CitizenWorkflows.Workflow.Delivery;
using CitizenWorkflows.Workflow.Delivery.Shipments;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Operations.Audit;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Production.PrintBatches;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow;

/// <summary>Registers everything both hosts share: options, storage clients, stores, activities' dependencies and endpoints.</summary>
public static class WorkflowServices
{
    /// <summary>
    /// Storage comes from <c>Storage:ConnectionString</c> (Azurite, local runs) or <c>Storage:AccountName</c>
    /// (Azure, with the managed identity; no keys). Every storage client counts its requests in
    /// <paramref name="storageRequests"/> (a new counter when null; a host passes its own to count its runtime's too).
    /// </summary>
    public static IServiceCollection AddCitizenWorkflows(this IServiceCollection services, IConfiguration configuration, StorageRequestCounter? storageRequests = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        StorageRequestCounter requests = storageRequests ?? new StorageRequestCounter();
        services.AddSingleton(requests);
        void CountBlob(BlobClientOptions o) => requests.Count(o, StorageService.Blob);
        void CountTable(TableClientOptions o) => requests.Count(o, StorageService.Table);
        void CountQueue(QueueClientOptions o) => requests.Count(o, StorageService.Queue);
        services.AddOptions<WorkflowPolicy>().Bind(configuration.GetSection(WorkflowPolicy.SectionName));
        // A version this build cannot run stops the host as it starts, not at the first intake.
        services.AddOptions<WorkflowVersioning>().Bind(configuration.GetSection(WorkflowVersioning.SectionName))
            .Validate(v => v.IsKnown, $"Workflow:OrchestrationVersion must be a version this build runs: 1 to {CardApplicationOrchestration.LatestVersion}.")
            .ValidateOnStart();
        // The keys are checked as the host starts (a person's key, a short one, an unknown role stop it with their message),
        // not at the first request that needs them.
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.SectionName))
            .Validate(keys => new ApiKeyCredentials(Microsoft.Extensions.Options.Options.Create(keys)) is not null)
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new WorkingDayCalendar(
            configuration.GetSection("Calendar:Holidays").Get<DateOnly[]>() ?? []));

        IConfigurationSection storage = configuration.GetSection("Storage");
        string? connectionString = storage["ConnectionString"];
        string? accountName = storage["AccountName"];
        if (string.IsNullOrEmpty(connectionString) && string.IsNullOrEmpty(accountName))
        {
            throw new InvalidOperationException("Configure Storage:ConnectionString or Storage:AccountName.");
        }

        services.AddMetrics();
        services.TryAddSingleton<Telemetry.StageBacklog>();
        services.TryAddSingleton<Telemetry.StageDurations>();
        services.TryAddSingleton<Telemetry.StageTrendsEndpoint>();
        services.TryAddSingleton<Telemetry.WorkflowMetrics>();
        // The Azure SDK's own registration: one Blob, Table and Queue service client each, resolved as before; options
        // shared by all three (retries, pipeline policies) go in ConfigureDefaults.
        services.AddAzureClients(clients =>
        {
            if (!string.IsNullOrEmpty(connectionString))
            {
                clients.AddBlobServiceClient(connectionString).ConfigureOptions(CountBlob);
                clients.AddTableServiceClient(connectionString).ConfigureOptions(CountTable);
                clients.AddQueueServiceClient(connectionString).ConfigureOptions(CountQueue);
                return;
            }

            clients.AddBlobServiceClient(new Uri($"https://{accountName}.blob.core.windows.net")).ConfigureOptions(CountBlob);
            clients.AddTableServiceClient(new Uri($"https://{accountName}.table.core.windows.net")).ConfigureOptions(CountTable);
            clients.AddQueueServiceClient(new Uri($"https://{accountName}.queue.core.windows.net")).ConfigureOptions(CountQueue);
            // In Azure the managed identity is the only credential (Storage:Credential=managedidentity, as the host's
            // AzureWebJobsStorage__credential): DefaultAzureCredential would probe its whole chain at every cold start.
            clients.UseCredential(string.Equals(storage["Credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new DefaultAzureCredential());
        });
        // AddAzureClients forwards the SDK's event source to ILogger, where every storage request would be an Information
        // line; its warnings and errors are what an operator needs (configuration can still lower this).
        services.AddLogging(logging => logging.AddFilter("Azure", LogLevel.Warning));

        services.AddHostedService<StorageInitializer>();
        Health.HealthServices.AddWorkflowHealth(services);
        services.AddKioskIntake();
        services.AddPopulationRegistry();
        services.AddDuplicateDetection(configuration);
        services.AddNotifications(configuration);
        services.AddPrintBatches(configuration);
        services.AddShipments(configuration);
        services.AddCardRegister();
        services.AddOfflinePackets();
        services.AddApplicationStorage();
        services.AddOrchestration();
        services.AddCardProduction(configuration);
        services.AddExternalMatcher();
        services.AddApiSecurity(configuration);
        services.AddIntake();
        services.AddSingleton<GetApplicationEndpoint>();
        services.AddSingleton<RaiseApplicationEventEndpoint>();
        // Each stage's events, in this order: the unknown-event answer lists them so.
        services.AddApprovalCallbacks();
        services.AddBiometricCallbacks();
        services.AddCardPrintingCallbacks();
        services.AddCardDeliveryCallbacks();
        services.AddSingleton<VerifyCardEndpoint>();
        services.AddOperationsAudit();
        services.AddSingleton<Operations.Actions.ApplicationRedrive>();
        services.AddSingleton<Operations.Actions.OperatorActionsEndpoint>();
        services.AddSingleton<Operations.Actions.GetApplicationAuditEndpoint>();
        services.AddApplicationQueries();
        services.AddReconciliation(configuration);
        services.AddCampaign();

        // Activities are resolved per call by both hosts.
        foreach (Type activity in WorkflowCatalog.Activities.Values)
        {
            services.TryAddTransient(activity);
        }

        return services;
    }
}
