using Microsoft.DurableTask;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Tests.Support;

/// <summary>
/// Starts the in-memory durable test host on a port that is free. The package picks a random port and does not check
/// it, which collides now and then with the other hosts and emulators a parallel test run starts.
/// </summary>
public static class DurableTestHosts
{
    public static async Task<DurableTaskTestHost> StartAsync(Action<DurableTaskRegistry> tasks, Action<IServiceCollection> services)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await DurableTaskTestHost.StartAsync(
                    tasks, new DurableTaskTestHostOptions { Port = FreePorts.Take(1)[0], ConfigureServices = services });
            }
            catch (IOException e) when (attempt < 5 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // Another process took the port between our check and the bind: try another.
            }
        }
    }
}
