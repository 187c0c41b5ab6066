using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace CitizenWorkflows.Workflow.Storage;

/// <summary>The storage service a request went to: what Azure bills per 10,000 transactions.</summary>
public enum StorageService
{
    Blob,
    Queue,
    Table,
}

/// <summary>
/// Counts storage requests by service and caller, as an Azure SDK pipeline policy on every client the project
/// creates (and on the durable provider's clients in the Local host). Each attempt the pipeline sends counts once
/// (<see cref="HttpPipelinePosition.PerRetry"/>): Azure bills every attempt, retries included. Counts are not noisy,
/// so the load tools and tests compare them where timings would be.
/// </summary>
public sealed class StorageRequestCounter
{
    readonly ConcurrentDictionary<(StorageService Service, string Caller), long> counts = new();

    /// <summary>Adds the counting policy for <paramref name="service"/> to a client's options.</summary>
    /// <param name="fixedCaller">The caller every request of this client counts under (e.g. the orchestration
    /// provider's clients); null to take the caller from the current <see cref="StorageCaller"/> scope.</param>
    public TOptions Count<TOptions>(TOptions options, StorageService service, string? fixedCaller = null)
        where TOptions : ClientOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(new CountingPolicy(this, service, fixedCaller), HttpPipelinePosition.PerRetry);
        return options;
    }

    /// <summary>Requests counted so far, by service and caller.</summary>
    public StorageRequestCounts Snapshot() =>
        new(counts.Select(c => new StorageRequestCount(c.Key.Service, c.Key.Caller, c.Value))
            .OrderBy(c => c.Service).ThenBy(c => c.Caller, StringComparer.Ordinal).ToArray());

    void Add(StorageService service, string caller) =>
        counts.AddOrUpdate((service, caller), 1, static (_, n) => n + 1);

    sealed class CountingPolicy(StorageRequestCounter counter, StorageService service, string? fixedCaller) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) =>
            counter.Add(service, fixedCaller ?? StorageCaller.Current);
    }
}

/// <summary>One (service, caller) cell of a <see cref="StorageRequestCounts"/>.</summary>
public sealed record StorageRequestCount(StorageService Service, string Caller, long Requests);

/// <summary>A snapshot of <see cref="StorageRequestCounter"/>; subtract two to get what happened between them.</summary>
public sealed record StorageRequestCounts(IReadOnlyList<StorageRequestCount> Cells)
{
    public long Total => Cells.Sum(c => c.Requests);

    public long For(StorageService service) => Cells.Where(c => c.Service == service).Sum(c => c.Requests);

    public long For(string caller) => Cells.Where(c => c.Caller == caller).Sum(c => c.Requests);

    /// <summary>What was counted after <paramref name="earlier"/> was taken.</summary>
    public StorageRequestCounts Since(StorageRequestCounts earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var before = earlier.Cells.ToDictionary(c => (c.Service, c.Caller), c => c.Requests);
        return new(Cells
            .Select(c => c with { Requests = c.Requests - before.GetValueOrDefault((c.Service, c.Caller)) })
            .Where(c => c.Requests != 0)
            .ToArray());
    }
}

/// <summary>
/// Who is calling storage, for <see cref="StorageRequestCounter"/>: an ambient scope that flows with the async call
/// (intake sets it for a submission, the runtime for an activity, a poller for its pass).
/// </summary>
public static class StorageCaller
{
    public const string Intake = "intake";
    public const string Runtime = "runtime";
    public const string Activities = "activities";
    public const string Operations = "operations";
    public const string Sweeps = "sweeps";
    public const string Simulators = "simulators";

    /// <summary>A load run's driver (preparing applicants, following progress): counted apart from what lifecycles cost.</summary>
    public const string LoadDriver = "load driver";
    public const string Other = "other";

    static readonly AsyncLocal<string?> current = new();

    /// <summary>The caller of the current async flow; <see cref="Other"/> outside any scope.</summary>
    public static string Current => current.Value ?? Other;

    /// <summary>Counts what the current async flow does until disposed under <paramref name="caller"/>.</summary>
    public static Scope Enter(string caller)
    {
        string? previous = current.Value;
        current.Value = caller;
        return new Scope(previous);
    }

    /// <summary>Restores the caller that was current when the scope was entered.</summary>
    public readonly struct Scope(string? previous) : IDisposable
    {
        public void Dispose() => current.Value = previous;
    }
}
