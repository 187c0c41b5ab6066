using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using CitizenWorkflows.Workflow;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Tests.Storage;

/// <summary>
/// The storage clients come from Microsoft.Extensions.Azure's <c>AddAzureClients</c>: a connection string locally
/// (Azurite), the account's endpoints with the app's identity in Azure; one instance each, as every store expects.
/// </summary>
public sealed class StorageClientRegistrationTests
{
    [Fact]
    public void In_Azure_the_clients_address_the_accounts_endpoints_through_the_Azure_client_factory()
    {
        using ServiceProvider services = Compose(new() { ["Storage:AccountName"] = "citizenwfst0a1b2c", ["Storage:Credential"] = "managedidentity" });

        Assert.Equal(new Uri("https://citizenwfst0a1b2c.blob.core.windows.net/"), services.GetRequiredService<BlobServiceClient>().Uri);
        Assert.Equal(new Uri("https://citizenwfst0a1b2c.queue.core.windows.net/"), services.GetRequiredService<QueueServiceClient>().Uri);
        Assert.Equal("citizenwfst0a1b2c", services.GetRequiredService<TableServiceClient>().AccountName);
        Assert.Same(services.GetRequiredService<BlobServiceClient>(), services.GetRequiredService<IAzureClientFactory<BlobServiceClient>>().CreateClient("Default"));
    }

    [Fact]
    public void Locally_the_connection_string_wins_and_each_client_is_one_instance()
    {
        using ServiceProvider services = Compose(new()
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Storage:AccountName"] = "ignoredwhenaconnectionstringisset",
        });

        Assert.Equal("devstoreaccount1", services.GetRequiredService<BlobServiceClient>().AccountName);
        Assert.Equal("devstoreaccount1", services.GetRequiredService<TableServiceClient>().AccountName);
        Assert.Equal("devstoreaccount1", services.GetRequiredService<QueueServiceClient>().AccountName);
        Assert.Same(services.GetRequiredService<TableServiceClient>(), services.GetRequiredService<TableServiceClient>());
    }

    [Fact]
    public void The_SDKs_request_log_stays_out_of_the_log_and_its_warnings_in()
    {
        // A provider that takes every level, so only the app's filter rules decide.
        using ServiceProvider services = Compose(new() { ["Storage:ConnectionString"] = "UseDevelopmentStorage=true" }, logging => logging.AddConsole());
        ILoggerFactory loggers = services.GetRequiredService<ILoggerFactory>();

        // Every request would otherwise be logged at Information once AddAzureClients forwards the SDK's event source.
        Assert.False(loggers.CreateLogger("Azure.Core").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Azure.Core").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("CitizenWorkflows.Workflow.Intake.IntakeService").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void Without_storage_settings_start_up_says_what_to_configure()
    {
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => Compose([]));

        Assert.Contains("Storage:ConnectionString or Storage:AccountName", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_up_creates_what_the_features_declare_and_nothing_moved_or_was_dropped()
    {
        using ServiceProvider services = Compose(new() { ["Storage:ConnectionString"] = "UseDevelopmentStorage=true" });
        ILookup<StorageKind, string> declared = services.GetServices<StorageDeclaration>().Distinct().ToLookup(d => d.Kind, d => d.Name);

        // What the one central list in StorageInitializer created before each feature's Add… declared its own.
        Assert.Equal(
            ["documents", "print-batches", "reconciliation", "reconciliation-reports", "shipments"],
            declared[StorageKind.Container].Order(StringComparer.Ordinal));
        Assert.Equal(
            [
                "applicationcounts", "applicationindex", "applications", "applicationtimeline", "campaignsessions", "campaigntargets",
                "cardregister", "cardsinproduction", "citizenclaims", "deadlines", "demographickeys", "escalations", "fingerprintenrolments",
                "idempotency", "ledgerexpiry", "notificationoutbox", "operationsaudit", "pendingnotifications", "personalnumbers", "printbacklog",
                "redriveattempts", "sentnotifications", "shipmentbacklog",
            ],
            declared[StorageKind.Table].Order(StringComparer.Ordinal));
        Assert.Equal(
            ["biometric-searches", "courier-orders", "print-orders", "shipment-orders", "station-orders"],
            declared[StorageKind.Queue].Order(StringComparer.Ordinal));
    }

    static ServiceProvider Compose(Dictionary<string, string?> settings, Action<ILoggingBuilder>? logging = null)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging(logging ?? (_ => { }));
        services.AddCitizenWorkflows(configuration);
        return services.BuildServiceProvider();
    }
}
