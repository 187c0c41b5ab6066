using Azure.Storage.Blobs;
using CitizenWorkflows.Local;
using CitizenWorkflows.Local.Packets;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Intake.OfflinePackets;
using CitizenWorkflows.Workflow.Kiosks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using CitizenWorkflows.Local.Pollers;

namespace CitizenWorkflows.Tests.Intake.OfflinePackets;

/// <summary>The Local host's poller: each pass hands every blob in <c>packets</c> to the processor; it can be switched off.</summary>
public sealed class PacketPollerTests(OfflinePacketFixture host) : IClassFixture<OfflinePacketFixture>
{
    [Fact]
    public async Task A_pass_processes_every_packet_in_the_container()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();
        await host.UploadAsync("good.zip", PacketSamples.SignedBy(kiosk, "poll-" + Guid.NewGuid().ToString("N")));
        await host.UploadAsync("folder/bomb.zip", PacketSamples.ZipWith(("document-1.pdf", PacketSamples.Zeros(50))));

        int finished = await Intake().TakeInboxAsync(CancellationToken.None);

        Assert.Equal(2, finished);
        Assert.False(await host.InInboxAsync("good.zip"));
        Assert.False(await host.InInboxAsync("folder/bomb.zip"));
        Assert.Equal(PacketRules.EntryTooLarge, (await host.Quarantine.GetBlobClient("folder/bomb.zip").GetPropertiesAsync()).Value.Metadata["rule"]);
    }

    [Fact]
    public async Task Running_it_picks_up_packets_uploaded_later()
    {
        Kiosk kiosk = await host.RegisterKioskAsync();
        using PeriodicPoller<OfflinePacketIntake> poller = Poller(new PollerOptions { PollInterval = TimeSpan.FromMilliseconds(200) });
        await poller.StartAsync(CancellationToken.None);
        try
        {
            await host.UploadAsync("later.zip", PacketSamples.SignedBy(kiosk, "poll-" + Guid.NewGuid().ToString("N")));

            DateTime until = DateTime.UtcNow.AddSeconds(30);
            while (await host.InInboxAsync("later.zip"))
            {
                Assert.True(DateTime.UtcNow < until, "The poller did not process the packet within 30 s.");
                await Task.Delay(100);
            }
        }
        finally
        {
            await poller.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Switched_off_it_does_nothing()
    {
        await host.UploadAsync("untouched.zip", PacketSamples.ZipWith(("document-1.pdf", PacketSamples.Zeros(50))));
        using PeriodicPoller<OfflinePacketIntake> poller = Poller(new PollerOptions { Enabled = false, PollInterval = TimeSpan.FromMilliseconds(50) });

        await poller.StartAsync(CancellationToken.None);
        await poller.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(await host.InInboxAsync("untouched.zip"));
        await host.Inbox.DeleteBlobAsync("untouched.zip");
    }

    [Fact]
    public void The_local_host_registration_adds_the_poller_and_reads_the_packets_section()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Packets:Enabled"] = "false", ["Packets:PollInterval"] = "00:00:03" })
            .Build();
        var services = new ServiceCollection();

        services.AddLocalPollers(configuration);

        Assert.Contains(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(PeriodicPoller<OfflinePacketIntake>));
        using ServiceProvider provider = services.BuildServiceProvider();
        PollerOptions options = provider.GetRequiredService<IOptionsMonitor<PollerOptions>>().Get(OfflinePacketIntake.Section);
        Assert.False(options.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(3), options.PollInterval);
        Assert.True(new PollerOptions().Enabled);
    }

    OfflinePacketIntake Intake() =>
        new(host.Processor, host.Service<BlobServiceClient>(), host.Client, NullLogger<OfflinePacketIntake>.Instance);

    PeriodicPoller<OfflinePacketIntake> Poller(PollerOptions options) =>
        new(Intake(), new FixedOptions<PollerOptions>(options), NullLogger<OfflinePacketIntake>.Instance);
}
