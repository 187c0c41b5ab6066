using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Seeding;

/// <summary>
/// Writes synthetic applications through the projection's write path (<see cref="ApplicationProjection.ImportAsync"/>),
/// in batches. Each application is delivered as its latest transition (one timeline row) unless
/// <c>fullJournal</c>: the reads measured never read timelines, and Azurite's table store slows with its size.
/// </summary>
public static class Seeder
{
    public static async Task SeedAsync(
        ApplicationProjection projection, int from, int count, int batchSize, int parallelism, Action<int>? progress, CancellationToken cancellationToken,
        bool fullJournal = false)
    {
        ArgumentNullException.ThrowIfNull(projection);
        for (int start = from; start < from + count; start += batchSize)
        {
            int size = Math.Min(batchSize, from + count - start);
            await projection.ImportAsync(
                [.. Enumerable.Range(start, size).Select(i => fullJournal ? SyntheticApplications.For(i) : [SyntheticApplications.For(i)[^1]])],
                parallelism, cancellationToken);
            progress?.Invoke(start + size - from);
        }
    }
}
