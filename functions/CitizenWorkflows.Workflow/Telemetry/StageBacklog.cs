using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Operations.Query;
using Microsoft.Extensions.Logging;

namespace CitizenWorkflows.Workflow.Telemetry;

/// <summary>How many applications are in one stage in one province (a gauge's point, a dashboard chart's bar).</summary>
public sealed record StageCount(ApplicationStage Stage, string Province, int Applications);

/// <summary>Applications per stage and province at <see cref="At"/>.</summary>
public sealed record StageReading(DateTimeOffset At, IReadOnlyList<StageCount> Counts);

/// <summary>
/// Applications per stage and province now, from the counters the projection maintains
/// (<see cref="ApplicationCounters"/>: one range query over 63 × 4 rows, whatever the number of applications), read at
/// most once per <see cref="CacheFor"/>: a metrics scrape or a dashboard refresh never costs more than that.
/// </summary>
public sealed partial class StageBacklog(ApplicationCounters counters, TimeProvider clock, ILogger<StageBacklog> log) : IDisposable
{
    /// <summary>How long one reading serves.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    static readonly CountScope Country = new(null, null, null, null);

    readonly SemaphoreSlim reading = new(1, 1);
    StageReading? last;
    int refreshing;

    /// <summary>The reading, taken now unless the last one is younger than <see cref="CacheFor"/>.</summary>
    public async Task<StageReading> ReadAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } fresh)
        {
            return fresh;
        }

        await reading.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } other)
            {
                return other; // taken by the caller that held the lock
            }

            var cells = await counters.ReadByStageAndProvinceAsync(Country, cancellationToken);
            var taken = new StageReading(clock.GetUtcNow(), [.. cells.Select(c => new StageCount(c.Stage, c.Province, c.Applications))]);
            Volatile.Write(ref last, taken);
            return taken;
        }
        finally
        {
            reading.Release();
        }
    }

    /// <summary>
    /// For an observable gauge, whose callback must not wait on storage: the last reading (none before the first), and
    /// a new one started in the background when it is older than <see cref="CacheFor"/>.
    /// </summary>
    public IReadOnlyList<StageCount> Observe()
    {
        StageReading? current = Volatile.Read(ref last);
        if (Fresh() is null && Interlocked.CompareExchange(ref refreshing, 1, 0) == 0)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await ReadAsync(CancellationToken.None);
                }
                catch (Exception e) when (e is Azure.RequestFailedException or OperationCanceledException or TimeoutException)
                {
                    LogReadFailed(log, e.Message); // the gauge keeps the last reading; the next scrape tries again
                }
                finally
                {
                    Volatile.Write(ref refreshing, 0);
                }
            });
        }

        return current?.Counts ?? [];
    }

    public void Dispose() => reading.Dispose();

    StageReading? Fresh() => Volatile.Read(ref last) is { } r && clock.GetUtcNow() - r.At < CacheFor ? r : null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stage counts could not be read for the gauges: {Error}")]
    static partial void LogReadFailed(ILogger logger, string error);
}
