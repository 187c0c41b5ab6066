using CitizenWorkflows.Seeding;
using CitizenWorkflows.Tests.Support;

namespace CitizenWorkflows.Tests.Operations;

/// <summary>
/// Counted, not timed: the operators' reads and the sweeps make the same number of storage requests with 1,000 and with
/// 20,000 applications stored (seeded through the projection's write path; a Local host in this process).
/// </summary>
public sealed class ReadCostTests(InMemoryAzuriteFixture azurite, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<InMemoryAzuriteFixture>
{
    [Fact]
    public async Task Counts_list_pages_a_reconciliation_run_and_a_housekeeping_pass_cost_the_same_at_1000_and_20000_applications()
    {
        await using ReadCosts costs = await ReadCosts.StartAsync(azurite.ConnectionString, "ReadCostHub", FreePorts.Take(1)[0], CancellationToken.None);
        await costs.SeedAsync(0, 1_000, null, CancellationToken.None);
        IReadOnlyList<CallCost> small = await costs.MeasureAsync(CancellationToken.None);
        await costs.SeedAsync(1_000, 19_000, null, CancellationToken.None);
        IReadOnlyList<CallCost> large = await costs.MeasureAsync(CancellationToken.None);

        foreach ((int size, IReadOnlyList<CallCost> run) in new[] { (1_000, small), (20_000, large) })
        {
            foreach (CallCost cost in run)
            {
                output.WriteLine($"{size,7:N0}  {cost.Call,-52} {cost.Requests,5} requests {cost.Elapsed.TotalMilliseconds,8:F0} ms");
            }
        }

        Assert.All(small, c => Assert.True(c.Requests > 0, c.Call));
        Assert.Equal(small.Select(c => (c.Call, c.Requests)), large.Select(c => (c.Call, c.Requests)));
    }
}
