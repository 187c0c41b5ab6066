using CitizenWorkflows.Local.Runtime;

namespace CitizenWorkflows.Tests.Local.Runtime;

/// <summary>The dispatcher gauge behind the load summary's <c>dispatchers:</c> line (host.json's limits are sized from it).</summary>
public sealed class WorkItemCountsTests
{
    [Fact]
    public async Task The_gauge_counts_completed_work_items_their_time_and_the_most_at_once()
    {
        var gauge = new DispatcherGauge();
        var release = new TaskCompletionSource();
        int started = 0;

        Task[] running = [.. Enumerable.Range(0, 5).Select(_ => gauge.MeasureAsync(async () =>
        {
            Interlocked.Increment(ref started);
            await release.Task;
        }))];
        while (Volatile.Read(ref started) < 5)
        {
            await Task.Delay(10);
        }

        // Held for at least this long each: every item started before the watch and ends after the release. Measured,
        // not assumed: a 100 ms delay can end a little early on a coarse timer.
        var held = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(100);
        Assert.Equal(0, gauge.Completed);
        TimeSpan atLeast = held.Elapsed;
        release.SetResult();
        await Task.WhenAll(running);
        await gauge.MeasureAsync(() => Task.CompletedTask);

        Assert.Equal(6, gauge.Completed);
        Assert.Equal(5, gauge.PeakInFlight);
        Assert.True(gauge.BusyTime >= 5 * atLeast, $"five items held for at least {atLeast} each: {gauge.BusyTime}");
    }

    [Fact]
    public async Task A_failed_work_item_leaves_the_count_and_the_time_but_not_the_in_flight_figure()
    {
        var gauge = new DispatcherGauge();

        await Assert.ThrowsAsync<InvalidOperationException>(() => gauge.MeasureAsync(() => throw new InvalidOperationException("episode failed")));
        await gauge.MeasureAsync(() => Task.CompletedTask);

        Assert.Equal(1, gauge.Completed);
        Assert.Equal(1, gauge.PeakInFlight); // the failed one left the pipeline: never two at once
    }
}
