using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CitizenWorkflows.Workflow.Biometrics;
using CitizenWorkflows.Workflow.Biometrics.Duplicates;
using CitizenWorkflows.Workflow.Delivery;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Lifecycle.Batches;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        BlobClientOptions BlobOptions() => requests.Count(new BlobClientOptions(), StorageService.Blob);
        TableClientOptions TableOptions() => requests.Count(new TableClientOptions(), StorageService.Table);
        QueueClientOptions QueueOptions() => requests.Count(new QueueClientOptions(), StorageService.Queue);
        services.AddOptions<WorkflowPolicy>().Bind(configuration.GetSection(WorkflowPolicy.SectionName));
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new WorkingDayCalendar(
            configuration.GetSection("Calendar:Holidays").Get<DateOnly[]>() ?? []));

        IConfigurationSection storage = configuration.GetSection("Storage");
        string? connectionString = storage["ConnectionString"];
        string? accountName = storage["AccountName"];
        if (!string.IsNullOrEmpty(connectionString))
        {
            services.AddSingleton(new BlobServiceClient(connectionString, BlobOptions()));
            services.AddSingleton(new TableServiceClient(connectionString, TableOptions()));
            services.AddSingleton(new QueueServiceClient(connectionString, QueueOptions()));
        }
        else if (!string.IsNullOrEmpty(accountName))
        {
            // In Azure the managed identity is the only credential (Storage:Credential=managedidentity, as the host's
            // AzureWebJobsStorage__credential): DefaultAzureCredential would probe its whole chain at every cold start.
            TokenCredential credential = string.Equals(storage["Credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new DefaultAzureCredential();
            services.AddSingleton(new BlobServiceClient(new Uri($"https://{accountName}.blob.core.windows.net"), credential, BlobOptions()));
            services.AddSingleton(new TableServiceClient(new Uri($"https://{accountName}.table.core.windows.net"), credential, TableOptions()));
            services.AddSingleton(new QueueServiceClient(new Uri($"https://{accountName}.queue.core.windows.net"), credential, QueueOptions()));
        }
        else
        {
            throw new InvalidOperationException("Configure Storage:ConnectionString or Storage:AccountName.");
        }

        services.AddHostedService<StorageInitializer>();
        services.AddKioskIntake();
        services.AddPopulationRegistry();
        services.AddDuplicateDetection(configuration);
        services.AddNotifications();
        services.AddCardBatches(configuration);
        services.AddCardRegister();
        services.AddOfflinePackets();
        services.AddSingleton<DocumentStore>();
        services.AddSingleton<ApplicationProjection>();
        services.AddSingleton<PersonalNumberRegistry>();
        services.AddSingleton<WorkOrderQueues>();
        services.AddApiSecurity(configuration);
        services.AddSingleton<IdempotencyLedger>();
        services.AddSingleton<CitizenClaims>();
        services.AddSingleton<IntakeService>();
        services.AddSingleton<SubmitApplicationEndpoint>();
        services.AddSingleton<GetApplicationEndpoint>();
        services.AddSingleton<RaiseApplicationEventEndpoint>();
        services.AddSingleton<VerifyCardEndpoint>();
        services.AddSingleton<Operations.Audit.OperationsAudit>();
        services.AddSingleton<Operations.Actions.ApplicationRedrive>();
        services.AddSingleton<Operations.Actions.OperatorActionsEndpoint>();
        services.AddSingleton<Operations.Actions.GetApplicationAuditEndpoint>();
        services.AddSingleton<ResubmitPartsEndpoint>();
        services.AddSingleton<Operations.Query.ApplicationSearch>();
        services.AddSingleton<Operations.Query.ApplicationCounters>();
        services.AddSingleton<Operations.Query.CounterRecount>();
        services.AddSingleton<Operations.Query.ApplicationQueryEndpoints>();
        // From CardSigning:PrivateKeyPem: Key Vault in Azure, a generated local file for the Local host.
        services.AddReconciliation(configuration);
        services.TryAddSingleton(_ => new CardSigner(CardSigningKey.FromConfiguration(configuration)));

        // Activities are resolved per call by both hosts.
        foreach (Type activity in WorkflowCatalog.Activities.Values)
        {
            services.TryAddTransient(activity);
        }

        return services;
    }
}
