using CitizenWorkflows.Local;
using CitizenWorkflows.Local.Campaign;
using CitizenWorkflows.Local.Lifecycle;
using CitizenWorkflows.Local.Notifications;
using CitizenWorkflows.Local.Operations;
using CitizenWorkflows.Local.Packets;
using CitizenWorkflows.Local.Production;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using CitizenWorkflows.Local.Pollers;

namespace CitizenWorkflows.Tests.Local.Pollers;

/// <summary>
/// The Local host's one poller: each poller's <see cref="PollerOptions"/> come by name from its own section with its own
/// default interval, and a failed pass, even a cancelled request the host did not ask for, leaves the loop running.
/// </summary>
public sealed class PeriodicPollerTests
{
    [Fact]
    public void Each_poller_reads_its_own_section_and_keeps_its_own_default_interval()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Deadlines:Poller:PollInterval"] = "00:00:05",
                ["Reconciliation:Poller:Enabled"] = "false",
            })
            .Build();
        var services = new ServiceCollection();

        services.AddLocalPollers(configuration);

        using ServiceProvider provider = services.BuildServiceProvider();
        IOptionsMonitor<PollerOptions> options = provider.GetRequiredService<IOptionsMonitor<PollerOptions>>();
        Assert.Equal(TimeSpan.FromSeconds(5), options.Get("Deadlines:Poller").PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Get("Packets").PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Get("Notifications").PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Get("CardBatches:Poller").PollInterval);
        Assert.Equal(TimeSpan.FromMinutes(15), options.Get("Reconciliation:Poller").PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Get("Campaign:Poller").PollInterval);
        Assert.False(options.Get("Reconciliation:Poller").Enabled);
        Assert.True(options.Get("Deadlines:Poller").Enabled);
        Assert.Equal(
            [typeof(OfflinePacketIntake), typeof(NotificationDispatch), typeof(CardBatchClosing), typeof(ScheduledReconciliation), typeof(DeadlineRaising), typeof(CampaignFollowUp)],
            LocalPollers.All.Values.Select(poller => poller.GetGenericArguments().Single()));
    }

    [Fact]
    public async Task A_failed_pass_is_retried_on_the_next()
    {
        var work = new FailingTwice();
        using var poller = new PeriodicPoller<FailingTwice>(
            work, new FixedOptions<PollerOptions>(new PollerOptions { PollInterval = TimeSpan.FromMilliseconds(20) }), NullLogger<FailingTwice>.Instance);

        await poller.StartAsync(CancellationToken.None);
        try
        {
            await work.ThirdPass.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.False(poller.ExecuteTask!.IsCompleted);
        }
        finally
        {
            await poller.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>An outage, then a request that timed out (cancelled, though the host is not stopping), then a pass that works.</summary>
    sealed class FailingTwice : IDueWork
    {
        int passes;

        public static string Section => "Test:Poller";

        public static TimeSpan DefaultInterval => TimeSpan.FromSeconds(1);

        public TaskCompletionSource ThirdPass { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task RunAsync(CancellationToken cancellationToken) => ++passes switch
        {
            1 => throw new InvalidOperationException("storage unreachable"),
            2 => throw new TaskCanceledException("the request timed out"),
            _ => Complete(),
        };

        Task Complete()
        {
            ThirdPass.TrySetResult();
            return Task.CompletedTask;
        }
    }
}
