using CitizenWorkflows.Workflow.Security;

namespace CitizenWorkflows.Tests.Support;

/// <summary>
/// One Local host per test class, on the class's own Azurite and task hub, with the callers an end-to-end test of the
/// lifecycle plays: the test kiosk (Hồ Chí Minh, signing its requests), a national officer, the print centre, the courier
/// and the biometric matcher, each signed in at the host's OpenID provider.
/// </summary>
public abstract class EndToEndTest(AzuriteFixture azurite, string taskHub, IReadOnlyDictionary<string, string>? settings = null)
    : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    readonly List<HttpClient> clients = [];

    protected AzuriteFixture Azurite => azurite;

    protected LocalHostProcess Host { get; private set; } = null!;

    /// <summary><see cref="LocalHostProcess.KioskId"/>, registered in province 079, signing every request.</summary>
    protected HttpClient Kiosk { get; private set; } = null!;

    /// <summary>A national officer (no area).</summary>
    protected HttpClient Officer { get; private set; } = null!;

    protected HttpClient PrintCentre { get; private set; } = null!;

    protected HttpClient Courier { get; private set; } = null!;

    protected HttpClient Matcher { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Host = await LocalHostProcess.StartAsync(azurite, taskHub, settings);
        Kiosk = Keep(Host.SignedClient(await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079")));
        Officer = Keep(Host.Client(Roles.Operator));
        PrintCentre = Keep(Host.Client(Roles.PrintCentre));
        Courier = Keep(Host.Client(Roles.Courier));
        Matcher = Keep(Host.Client(Roles.BiometricMatcher));
    }

    /// <summary>Disposes <paramref name="client"/> with the host at the end of the class.</summary>
    protected HttpClient Keep(HttpClient client)
    {
        clients.Add(client);
        return client;
    }

    public virtual async Task DisposeAsync()
    {
        foreach (HttpClient client in clients)
        {
            client.Dispose();
        }

        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}
