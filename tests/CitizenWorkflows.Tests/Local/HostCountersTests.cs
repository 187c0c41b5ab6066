using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Local;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Tests.Local;

/// <summary>
/// The counters the Local host writes for a load driver in another process (<c>Local:CountersFile</c>): what one
/// application cost it, read back from the file while it runs.
/// </summary>
public sealed class HostCountersTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task The_host_writes_its_work_items_and_storage_requests_by_caller_to_the_counters_file()
    {
        string file = Path.Combine(Path.GetTempPath(), "cw-counters-" + Guid.NewGuid().ToString("N"), "host-counters.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        Assert.Null(HostCounters.Read(file));
        await using LocalHostProcess host = await LocalHostProcess.StartAsync(azurite, "CountersHub", new Dictionary<string, string>
        {
            [HostCounters.FileSetting] = file,
            ["Workflow:AutoApprove"] = "true",
        });
        HostCounters before = await WaitForAsync(file, _ => true);
        Kiosk kiosk = await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079");
        using HttpClient signed = host.SignedClient(kiosk);
        await Api.SubmitAsync(signed, Samples.NewApplicant(Samples.NextApplicant().FullName, "1990-03-04", null));

        // The workflow runs episodes and activities; intake and the runtime make storage requests under their own names.
        HostCounters after = await WaitForAsync(file, c => c.Episodes > before.Episodes && c.Activities > before.Activities);
        StorageRequestCounts requests = new StorageRequestCounts(after.StorageRequests).Since(new StorageRequestCounts(before.StorageRequests));
        Assert.True(requests.For(StorageCaller.Intake) > 0, string.Join(", ", requests.Cells));
        Assert.True(requests.For(StorageCaller.Runtime) > 0, string.Join(", ", requests.Cells));
        Assert.Contains(after.StorageOperations, o => o.Caller == StorageCaller.Intake && o.Requests > 0);
        Assert.True(after.ProcessId > 0 && after.ProcessId != Environment.ProcessId);
        Assert.True(after.WrittenAt > before.WrittenAt);
    }

    static async Task<HostCounters> WaitForAsync(string file, Func<HostCounters, bool> done)
    {
        DateTime until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (HostCounters.Read(file) is { } counters && done(counters))
            {
                return counters;
            }

            Assert.True(DateTime.UtcNow < until, $"no such counters in {file} within 60 s");
            await Task.Delay(200);
        }
    }
}
