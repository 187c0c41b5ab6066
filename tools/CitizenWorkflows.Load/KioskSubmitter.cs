using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Local.Credentials;

namespace CitizenWorkflows.Load;

/// <summary>
/// Submits applications through the real signed HTTP intake as one or more kiosks (round robin), timing each request:
/// the one submitter behind <c>demo</c>, <c>load</c>, <c>bench-intake</c> and the fault runs.
/// </summary>
public sealed class KioskSubmitter : IDisposable
{
    readonly HttpClient[] clients;
    readonly string[] kioskIds;
    readonly string runId = Guid.NewGuid().ToString("N")[..12];

    public KioskSubmitter(Uri baseAddress, IReadOnlyList<LocalKiosk.Credentials> kiosks, TimeSpan? requestTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(kiosks);
        if (kiosks.Count == 0)
        {
            throw new ArgumentException("At least one kiosk is needed.", nameof(kiosks));
        }

        clients = [.. kiosks.Select(k => new HttpClient(
            new KioskSigningHandler(k.Id, k.Secret) { InnerHandler = new SocketsHttpHandler { MaxConnectionsPerServer = 256 } })
        {
            BaseAddress = baseAddress,
            Timeout = requestTimeout ?? TimeSpan.FromSeconds(60),
        })];
        kioskIds = [.. kiosks.Select(k => k.Id)];
    }

    /// <summary>
    /// How long a submission is retried (with its idempotency key, as a kiosk does) while the host does not answer or
    /// answers 5xx; zero (the default) means one attempt. Fault runs set it: the host they submit to gets killed.
    /// </summary>
    public TimeSpan RetryFor { get; init; }

    /// <summary>Submits upload number <paramref name="index"/> as kiosk <c>index mod K</c>.</summary>
    public async Task<Submission> SubmitAsync(int index, ApplicationUpload upload, CancellationToken cancellationToken)
    {
        HttpClient client = clients[index % clients.Length];
        string key = $"{runId}-{index}";
        long started = Stopwatch.GetTimestamp();
        DateTime giveUp = DateTime.UtcNow + RetryFor;
        int attempts = 0;
        while (true)
        {
            attempts++;
            try
            {
                using HttpResponseMessage response = await client.SubmitApplicationAsync(upload, key, cancellationToken);
                string text = await response.Content.ReadAsStringAsync(cancellationToken);
                if ((int)response.StatusCode >= 500 && DateTime.UtcNow < giveUp)
                {
                    await Task.Delay(500, cancellationToken);
                    continue;
                }

                string? id = response.StatusCode == HttpStatusCode.Accepted
                    ? JsonSerializer.Deserialize<SubmissionAccepted>(text, JsonSerializerOptions.Web)?.ApplicationId
                    : null;
                return new Submission(index, kioskIds[index % kioskIds.Length], response.StatusCode, id, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    attempts, id is null ? text : null);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (DateTime.UtcNow >= giveUp)
                {
                    return new Submission(index, kioskIds[index % kioskIds.Length], 0, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds, attempts, e.Message);
                }

                await Task.Delay(500, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Open loop: request i leaves at i/rate seconds whether or not earlier ones have answered, as independent kiosks do.
    /// </summary>
    public async Task<Submission[]> RunAtRateAsync(
        IReadOnlyList<ApplicationUpload> uploads, double rate, Action<Submission>? answered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uploads);
        var results = new Submission[uploads.Count];
        var clock = Stopwatch.StartNew();
        var inFlight = new List<Task>(uploads.Count);
        for (int i = 0; i < uploads.Count; i++)
        {
            TimeSpan due = TimeSpan.FromSeconds(i / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            }

            int n = i;
            inFlight.Add(Task.Run(
                async () =>
                {
                    results[n] = await SubmitAsync(n, uploads[n], cancellationToken);
                    answered?.Invoke(results[n]);
                },
                cancellationToken));
        }

        await Task.WhenAll(inFlight);
        return results;
    }

    /// <summary>Closed loop: <paramref name="concurrency"/> requests in flight at all times, as fast as the host answers.</summary>
    public async Task<Submission[]> RunAsFastAsPossibleAsync(
        IReadOnlyList<ApplicationUpload> uploads, int concurrency, Action<Submission>? answered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uploads);
        var results = new Submission[uploads.Count];
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Max(1, concurrency)).Select(_ => Task.Run(
            async () =>
            {
                for (int n = Interlocked.Increment(ref next); n < uploads.Count; n = Interlocked.Increment(ref next))
                {
                    results[n] = await SubmitAsync(n, uploads[n], cancellationToken);
                    answered?.Invoke(results[n]);
                }
            },
            cancellationToken)));
        return results;
    }

    public void Dispose()
    {
        foreach (HttpClient client in clients)
        {
            client.Dispose();
        }
    }
}

/// <summary>One submission's answer: the application id when accepted (202), else the status and the problem text.</summary>
public sealed record Submission(int Index, string KioskId, HttpStatusCode Status, string? ApplicationId, double LatencyMs, int Attempts, string? Problem)
{
    public bool Accepted => ApplicationId is not null;
}
