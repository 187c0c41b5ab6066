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
    readonly ConcurrentDictionary<(string Caller, string Operation), long> operations = new();

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

    /// <summary>Requests counted so far by caller and operation (<see cref="OperationOf"/>): which calls make up a
    /// caller's share.</summary>
    public IReadOnlyList<StorageOperationCount> Operations() =>
        [.. operations.Select(o => new StorageOperationCount(o.Key.Caller, o.Key.Operation, o.Value))];

    /// <summary>
    /// "GET queue hub-control-##/messages", "PUT table HubInstances(entity)", "GET table HubHistory": the method, the
    /// service and the container, table or queue (digits masked, so partitions add up); never a blob or entity name.
    /// </summary>
    public static string OperationOf(StorageService service, string method, Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        string[] segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // Path-style addressing (the emulator) puts the account first; in Azure it is in the host name.
        int first = segments.Length > 1 && segments[0].StartsWith("devstoreaccount", StringComparison.Ordinal) ? 1 : 0;
        string resource = segments.Length > first ? segments[first] : "(account)";
        string entity = "";
        int paren = resource.IndexOf('(', StringComparison.Ordinal);
        if (paren >= 0)
        {
            entity = resource.EndsWith("()", StringComparison.Ordinal) ? "" : "(entity)";
            resource = resource[..paren];
        }

        string sub = service == StorageService.Queue && segments.Length > first + 1 ? "/" + segments[first + 1] : "";
        string masked = string.Concat(resource.Select(ch => char.IsAsciiDigit(ch) ? '#' : ch));
        return $"{method} {service.ToString().ToLowerInvariant()} {masked}{entity}{sub}";
    }

    void Add(StorageService service, string caller, HttpMessage message)
    {
        counts.AddOrUpdate((service, caller), 1, static (_, n) => n + 1);
        operations.AddOrUpdate((caller, OperationOf(service, message.Request.Method.ToString(), message.Request.Uri.ToUri())), 1, static (_, n) => n + 1);
    }

    sealed class CountingPolicy(StorageRequestCounter counter, StorageService service, string? fixedCaller) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) =>
            counter.Add(service, fixedCaller ?? StorageCaller.Current, message);
    }
}

/// <summary>Requests of one caller by one operation (<see cref="StorageRequestCounter.OperationOf"/>).</summary>
public sealed record StorageOperationCount(string Caller, string Operation, long Requests)
{
    /// <summary>What was counted after <paramref name="earlier"/> was taken, largest first.</summary>
    public static IReadOnlyList<StorageOperationCount> Since(IReadOnlyList<StorageOperationCount> now, IReadOnlyList<StorageOperationCount> earlier)
    {
        ArgumentNullException.ThrowIfNull(now);
        ArgumentNullException.ThrowIfNull(earlier);
        var before = earlier.ToDictionary(o => (o.Caller, o.Operation), o => o.Requests);
        return [.. now.Select(o => o with { Requests = o.Requests - before.GetValueOrDefault((o.Caller, o.Operation)) })
            .Where(o => o.Requests != 0)
            .OrderByDescending(o => o.Requests)
            .ThenBy(o => o.Operation, StringComparer.Ordinal)];
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
