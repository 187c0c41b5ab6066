namespace CitizenWorkflows.Tests.Support;

/// <summary>
/// The repo's Azurite keeping everything in memory: for tests that seed tens of thousands of rows, where the
/// disk-persisted emulator rewrites its whole table database every few seconds and the seeding, not the code under
/// test, takes the time. Nothing survives a restart, so outage tests keep <see cref="AzuriteFixture"/>.
/// </summary>
public sealed class InMemoryAzuriteFixture : AzuriteFixture
{
    // Azurite refuses --inMemoryPersistence together with --location.
    protected override IEnumerable<string> Persistence(string folder) => ["--inMemoryPersistence"];
}
