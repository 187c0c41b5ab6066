using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Tests.Intake;

/// <summary>The idempotency ledger on Azurite: a dead owner's claim is taken over, a slow owner's claim is kept.</summary>
public sealed class IdempotencyLedgerTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    static readonly DateTimeOffset Start = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    async Task<(IdempotencyLedger Ledger, FakeClock Clock, IdempotencyEntry Entry, string Key)> ArrangeAsync()
    {
        await azurite.Tables.GetTableClient(StorageNames.IdempotencyTable).CreateIfNotExistsAsync();
        var clock = new FakeClock(Start);
        var entry = new IdempotencyEntry("digest", Guid.NewGuid().ToString("N"), Start, Start.AddDays(9), Completed: false);
        return (new IdempotencyLedger(azurite.Tables, clock), clock, entry, Guid.NewGuid().ToString());
    }

    [Fact]
    public async Task An_owner_whose_claim_was_taken_over_learns_it_before_starting_the_workflow()
    {
        (IdempotencyLedger ledger, FakeClock clock, IdempotencyEntry entry, string key) = await ArrangeAsync();
        IdempotencyClaim first = await ledger.ClaimAsync("K-1", key, entry, CancellationToken.None);
        Assert.True(first.Owned);

        // The first copy is still storing its documents after the stale limit: its retry takes the claim over.
        clock.Advance(IdempotencyLedger.StaleAfter + TimeSpan.FromSeconds(1));
        IdempotencyClaim retry = await ledger.ClaimAsync("K-1", key, entry with { ApplicationId = "other" }, CancellationToken.None);
        Assert.True(retry.Owned);
        Assert.Equal(entry.ApplicationId, retry.Entry.ApplicationId);

        Assert.False(await ledger.KeepAsync("K-1", key, first, CancellationToken.None));
        Assert.True(await ledger.KeepAsync("K-1", key, retry, CancellationToken.None));
    }

    [Fact]
    public async Task A_slow_owner_keeps_its_claim_so_a_retry_does_not_take_it_over()
    {
        (IdempotencyLedger ledger, FakeClock clock, IdempotencyEntry entry, string key) = await ArrangeAsync();
        IdempotencyClaim first = await ledger.ClaimAsync("K-1", key, entry, CancellationToken.None);

        // Twenty seconds into storing, the owner renews its claim before it starts the workflow ...
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await ledger.KeepAsync("K-1", key, first, CancellationToken.None));

        // ... so a retry fifteen seconds later (35 s after the first claim) finds it fresh and waits instead.
        clock.Advance(TimeSpan.FromSeconds(15));
        IdempotencyClaim retry = await ledger.ClaimAsync("K-1", key, entry, CancellationToken.None);
        Assert.False(retry.Owned);
    }
}
