using System.Diagnostics;
using System.Globalization;
using CitizenWorkflows.Local;
using CitizenWorkflows.Local.Identity;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using CitizenWorkflows.Workflow.Security;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Seeding;

/// <summary>
/// The operators' reads and the scheduled sweeps measured against a Local host in this process: storage requests
/// (the host's <see cref="StorageRequestCounter"/>, caller <c>operations</c>: what the call itself asked of storage;
/// the orchestration service's own reads of instance status are counted under <c>runtime</c> with its background
/// polling, so they are left out) and wall time, per call.
/// </summary>
public sealed class ReadCosts(LocalHost host, LocalAccount supervisor) : IAsyncDisposable
{
    /// <summary>Per-run cap of reconciliation's walk over applications in flight while measuring.</summary>
    public const int ReconciliationCap = 20;

    // A national supervisor signed in at the host's own OpenID provider (people have no API keys).
    readonly HttpClient api = new(new LocalAccessTokenHandler(host.BaseAddress, supervisor)) { BaseAddress = host.BaseAddress };

    public IServiceProvider Services => host.App.Services;

    /// <summary>Writes applications <paramref name="from"/>..+<paramref name="count"/>: projection rows (counters,
    /// index) and the ledger rows their intake left.</summary>
    public async Task SeedAsync(int from, int count, Action<int>? progress, CancellationToken cancellationToken)
    {
        await Seeder.SeedAsync(Services.GetRequiredService<ApplicationProjection>(), from, count, batchSize: 1000, parallelism: 8, progress, cancellationToken);
        await Seeder.SeedLedgersAsync(Services.GetRequiredService<Azure.Data.Tables.TableServiceClient>(), from, count, parallelism: 8, cancellationToken);
    }

    /// <summary>Starts a Local host on <paramref name="connectionString"/> with simulators and pollers off; calls as
    /// its national supervisor.</summary>
    public static async Task<ReadCosts> StartAsync(string connectionString, string taskHub, int port, CancellationToken cancellationToken)
    {
        string directory = Path.Combine(Path.GetTempPath(), "cw-seeding-" + Guid.NewGuid().ToString("N"));
        LocalAccount supervisor = LocalIdentities.LoadOrCreate(Path.Combine(directory, "identities.json")).WidestOf(Roles.Supervisor)
            ?? throw new InvalidOperationException("The local provider made no supervisor account.");
        var settings = new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Storage:ConnectionString"] = connectionString,
            ["TaskHub:Name"] = taskHub,
            ["Reconciliation:Poller:Enabled"] = "false",
            ["Reconciliation:MaxInFlightPerRun"] = ReconciliationCap.ToString(CultureInfo.InvariantCulture),
            // The counters' recount reads a batch per run, a cost of its own (by batch size): measured apart, not here.
            ["Reconciliation:CounterRecountRowsPerRun"] = "0",
            ["Packets:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Local:ApiKeysFile"] = Path.Combine(directory, "keys.json"),
            ["Local:IdentityDirectory"] = directory,
        };
        LocalHost host = await LocalHost.StartAsync([.. settings.Select(s => $"--{s.Key}={s.Value}")], cancellationToken);
        // The deployment's first housekeeping pass: it finds which ledgers hold rows older than their expiry index
        // (none, on a new storage account) and so whether the old scan is still needed.
        await host.App.Services.GetRequiredService<Housekeeping>().ExpireLedgersAsync(cancellationToken);
        return new ReadCosts(host, supervisor);
    }

    /// <summary>Each call once: counts, a filtered list page, an overdue list page, a reconciliation run, a housekeeping pass.</summary>
    public async Task<IReadOnlyList<CallCost>> MeasureAsync(CancellationToken cancellationToken)
    {
        var costs = new List<CallCost>
        {
            await HttpAsync("counts", "/api/v1/application-counts", cancellationToken),
            await HttpAsync("filtered list page (stage + province, 10)", "/api/v1/applications?stage=Delivered&province=079&pageSize=10", cancellationToken),
            await HttpAsync("overdue list page (20)", "/api/v1/applications?overdue=true&pageSize=20", cancellationToken),
        };
        DurableTaskClient client = Services.GetRequiredService<DurableTaskClient>();
        Reconciler reconciler = Services.GetRequiredService<Reconciler>();
        Housekeeping housekeeping = Services.GetRequiredService<Housekeeping>();
        costs.Add(await DirectAsync($"reconciliation run (cap {ReconciliationCap}, housekeeping included)", async () =>
            _ = await reconciler.TryRunAsync(client, "seeding-tool", cancellationToken) ?? throw new InvalidOperationException("Another reconciliation run holds the lock.")));
        costs.Add(await DirectAsync("housekeeping pass", async () => _ = await housekeeping.SweepAsync(client, cancellationToken)));
        return costs;
    }

    async Task<CallCost> HttpAsync(string name, string path, CancellationToken cancellationToken) =>
        await DirectAsync(name, async () =>
        {
            using HttpResponseMessage response = await api.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {body}");
            }
        });

    async Task<CallCost> DirectAsync(string name, Func<Task> call)
    {
        StorageRequestCounter counter = Services.GetRequiredService<StorageRequestCounter>();
        StorageRequestCounts before = counter.Snapshot();
        var watch = Stopwatch.StartNew();
        using (StorageCaller.Enter(StorageCaller.Operations))
        {
            await call();
        }

        watch.Stop();
        return new CallCost(name, counter.Snapshot().Since(before).For(StorageCaller.Operations), watch.Elapsed);
    }

    public async ValueTask DisposeAsync()
    {
        api.Dispose();
        await host.DisposeAsync();
    }
}

/// <summary>What one call cost: storage requests it made and how long it took.</summary>
public sealed record CallCost(string Call, long Requests, TimeSpan Elapsed);
