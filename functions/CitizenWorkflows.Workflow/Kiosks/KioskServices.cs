using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace CitizenWorkflows.Workflow.Kiosks;

/// <summary>Registers signed kiosk intake: the kiosk registry, the nonce ledger and the request authenticator.</summary>
public static class KioskServices
{
    /// <summary>
    /// Adds <see cref="KioskRegistry"/>, <see cref="NonceLedger"/> and <see cref="KioskRequestAuthenticator"/> as
    /// singletons and <see cref="KioskTablesInitializer"/>, which creates their tables at start. Needs a
    /// <see cref="TableServiceClient"/> and logging; uses the registered <see cref="TimeProvider"/> (the system clock if none).
    /// </summary>
    public static IServiceCollection AddKioskIntake(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<KioskRegistry>();
        services.TryAddSingleton<NonceLedger>();
        services.TryAddSingleton<KioskRequestAuthenticator>();
        services.AddHostedService<KioskTablesInitializer>();
        return services;
    }
}

/// <summary>Creates the <c>kiosks</c> and <c>kiosknonces</c> tables at start-up (idempotent).</summary>
public sealed class KioskTablesInitializer(TableServiceClient tables) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(
            tables.GetTableClient(KioskRegistry.TableName).CreateIfNotExistsAsync(cancellationToken),
            tables.GetTableClient(NonceLedger.TableName).CreateIfNotExistsAsync(cancellationToken));

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
