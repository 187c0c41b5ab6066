using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Operations.Reconciliation;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>The run lock on Azurite: one holder among many at once, kept by renewal past its lease, free again once released.</summary>
public sealed class ReconciliationLockTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Of_many_runs_asking_at_once_exactly_one_holds_the_lock_until_it_lets_go()
    {
        await azurite.Blobs.GetBlobContainerClient(ReconciliationLock.Container).CreateIfNotExistsAsync();
        var runLock = new ReconciliationLock(azurite.Blobs);

        ReconciliationLock.Held?[] attempts = await Task.WhenAll(
            Enumerable.Range(0, 8).Select(_ => runLock.TryAcquireAsync(TimeSpan.FromSeconds(15), CancellationToken.None)));
        ReconciliationLock.Held holder = Assert.Single(attempts, a => a is not null)!;

        // Held past its 15 s lease: the holder renews it, so another run still finds it taken.
        await Task.Delay(TimeSpan.FromSeconds(20));
        Assert.False(holder.Lost.IsCancellationRequested);
        Assert.Null(await runLock.TryAcquireAsync(TimeSpan.FromSeconds(15), CancellationToken.None));

        await holder.DisposeAsync();
        await using ReconciliationLock.Held? next = await runLock.TryAcquireAsync(TimeSpan.FromSeconds(15), CancellationToken.None);
        Assert.NotNull(next);
    }
}
