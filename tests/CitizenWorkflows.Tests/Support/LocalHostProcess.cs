using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Load;
using CitizenWorkflows.Simulators;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Security;
using Microsoft.Extensions.Configuration;

namespace CitizenWorkflows.Tests.Support;

/// <summary>
/// The Local host as a child process (the built CitizenWorkflows.Local.dll) on a free port against a test's Azurite,
/// reached over real HTTP, and killable with SIGKILL.
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    /// <summary>Who plays each role; <c>Key</c> is the API key of the kiosk only (the others sign in for tokens).</summary>
    public static readonly IReadOnlyDictionary<string, (string Key, string Principal, string? Province)> Keys =
        new Dictionary<string, (string, string, string?)>
        {
            [Roles.Kiosk] = ("kiosk-key-" + Guid.NewGuid().ToString("N"), KioskId, "079"),
            // A national officer (no area): acts on every application, as the existing tests expect.
            [Roles.Operator] = ("operator-key-" + Guid.NewGuid().ToString("N"), "officer-hn-042", null),
            [Roles.PrintCentre] = ("print-key-" + Guid.NewGuid().ToString("N"), "print-centre-north", null),
            [Roles.Courier] = ("courier-key-" + Guid.NewGuid().ToString("N"), "courier-vnpost", null),
            [Roles.BiometricMatcher] = ("abis-key-" + Guid.NewGuid().ToString("N"), "abis-national", null),
            [Roles.Supervisor] = ("supervisor-key-" + Guid.NewGuid().ToString("N"), "supervisor-national", null),
        };

    /// <summary>Officers with an area (operator role), by name: province, optional district and commune.</summary>
    public static readonly IReadOnlyDictionary<string, (string Key, string Principal, string Province, string? District, string? Commune)> Officers =
        new Dictionary<string, (string, string, string, string?, string?)>
        {
            [ProvinceOfficer] = ("officer-key-" + Guid.NewGuid().ToString("N"), "officer-hcm-province", "079", null, null),
            [CommuneOfficer] = ("officer-key-" + Guid.NewGuid().ToString("N"), "officer-hcm-ben-nghe", "079", null, BenNgheCommune),
            [OtherCommuneOfficer] = ("officer-key-" + Guid.NewGuid().ToString("N"), "officer-hcm-da-kao", "079", null, "26734"),
            [OtherProvinceOfficer] = ("officer-key-" + Guid.NewGuid().ToString("N"), "officer-hn-province", "001", null, null),
        };

    public const string ProvinceOfficer = "province-079";
    public const string CommuneOfficer = "commune-26740";
    public const string OtherCommuneOfficer = "commune-26734";
    public const string OtherProvinceOfficer = "province-001";

    /// <summary>Phường Bến Nghé, Quận 1, Hồ Chí Minh.</summary>
    public const string BenNgheCommune = "26740";

    /// <summary>One card-signing key for the whole test run, so a restarted host still verifies the cards it signed.</summary>
    public static readonly string CardSigningKeyPem = GenerateCardSigningKey();

    static string GenerateCardSigningKey()
    {
        using CardSigningKey key = CardSigningKey.Generate();
        return key.ExportPrivateKeyPem();
    }

    /// <summary>
    /// The Local host's OpenID provider accounts for the whole test run (written once, so a restarted host issues and
    /// validates tokens with the same keys): a client per partner, a user per officer and supervisor, with the
    /// principals of <see cref="Keys"/> and <see cref="Officers"/>, secrets made here.
    /// </summary>
    public static readonly string IdentityDirectory;

    static readonly Dictionary<string, string> Secrets = new(StringComparer.Ordinal);

    static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal);

#pragma warning disable CA1810 // Written once, after the accounts it names (static field order matters otherwise).
    static LocalHostProcess() => IdentityDirectory = WriteIdentities();
#pragma warning restore CA1810

    static string WriteIdentities()
    {
        string directory = Path.Combine(Path.GetTempPath(), "cw-identity-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var accounts = new List<object>();
        void Add(string kind, string id, string role, string? province, string? district, string? commune)
        {
            string secret = "secret-" + Guid.NewGuid().ToString("N");
            Secrets[id] = secret;
            Names[id] = $"Test {role} {id}";
            accounts.Add(new { kind, id, secret, role, name = Names[id], province, district, commune });
        }

        foreach ((string role, (_, string principal, string? province)) in Keys.Where(k => k.Key != Roles.Kiosk))
        {
            Add(IsPartner(role) ? "client" : "user", principal, role, province, null, null);
        }

        foreach ((_, string principal, string province, string? district, string? commune) in Officers.Values)
        {
            Add("user", principal, Roles.Operator, province, district, commune);
        }

        File.WriteAllText(Path.Combine(directory, "identities.json"), JsonSerializer.Serialize(accounts, JsonSerializerOptions.Web));
        return directory;
    }

    static bool IsPartner(string role) => role is Roles.PrintCentre or Roles.Courier or Roles.BiometricMatcher;

    /// <summary>The display name the provider puts in <paramref name="principal"/>'s tokens.</summary>
    public static string NameOf(string principal) => Names[principal];

    /// <summary>The password (or client secret) of <paramref name="principal"/> at the host's provider, for a browser sign-in.</summary>
    public static string SecretOf(string principal) => Secrets[principal];

    /// <summary>The kiosk the tests submit as (Hồ Chí Minh, like the sample applicant); its API key reads status.</summary>
    public const string KioskId = "KIOSK-HCM-001";

    readonly HostProcess process;
    readonly Dictionary<string, string> tokens = new(StringComparer.Ordinal);
    PartnerSimulators? partners;

    LocalHostProcess(HostProcess process) => this.process = process;

    public Uri BaseAddress => process.BaseAddress;

    /// <summary>Everything the host wrote to stdout and stderr so far.</summary>
    public string Output => process.Output;

    /// <summary>The Local host's settings for a test: storage, task hub, the test keys and officers, simulators off (a test
    /// turns them on with <see cref="FastPartners"/>: they then run in the test's process, answering this host).</summary>
    public static Dictionary<string, string> Configuration(AzuriteFixture azurite, string taskHub, int httpPort, IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var config = new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{httpPort}",
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["TaskHub:Name"] = taskHub,
            ["TaskHub:WorkerId"] = "test-worker-1",
            ["TaskHub:VisibilityTimeout"] = "00:00:10",
            ["Simulators:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Local:ApiKeysFile"] = Path.Combine(Path.GetTempPath(), "cw-unused-" + Guid.NewGuid().ToString("N"), "keys.json"),
            [CardSigningKey.ConfigurationKey] = CardSigningKeyPem,
            ["Local:IdentityDirectory"] = IdentityDirectory,
        };
        // Only the kiosk holds an API key (its status reads); everyone else signs in at the host's provider.
        (string kioskKey, string kioskId, string? kioskProvince) = Keys[Roles.Kiosk];
        config["Security:ApiKeys:0:Key"] = kioskKey;
        config["Security:ApiKeys:0:Role"] = Roles.Kiosk;
        config["Security:ApiKeys:0:Principal"] = kioskId;
        config["Security:ApiKeys:0:Province"] = kioskProvince!;

        foreach ((string key, string value) in settings ?? new Dictionary<string, string>())
        {
            config[key] = value;
        }

        return config;
    }

    /// <summary>
    /// Starts the host (the built CitizenWorkflows.Local.dll, or <paramref name="hostDll"/>: another build of it);
    /// <paramref name="settings"/> are configuration keys (":" separated) that override the defaults.
    /// </summary>
    public static async Task<LocalHostProcess> StartAsync(
        AzuriteFixture azurite, string taskHub, IReadOnlyDictionary<string, string>? settings = null, int? port = null, string? hostDll = null)
    {
        int httpPort = port ?? FreePorts.Take(1)[0];
        Dictionary<string, string> config = Configuration(azurite, taskHub, httpPort, settings);
        config.Remove("urls"); // HostProcess sets it from the port.
        HostProcess process = await HostProcess.StartAsync(
            new HostProcess.Start(httpPort, config) { HostDll = hostDll ?? RepoPaths.LocalHostDll, LogPrefix = taskHub, StartTimeout = TimeSpan.FromSeconds(90) });
        var host = new LocalHostProcess(process);
        try
        {
            await host.SignInAllAsync();
            host.partners = await PartnerSimulators.StartAsync(
                new ConfigurationBuilder().AddInMemoryCollection(config.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value))).Build(),
                host.BaseAddress);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>
    /// A token for every partner, officer and supervisor from the host's own OpenID provider: client credentials for
    /// partners, the password grant for people (the dashboard signs in with the authorization code instead).
    /// </summary>
    async Task SignInAllAsync()
    {
        foreach ((string role, (_, string principal, _)) in Keys.Where(k => k.Key != Roles.Kiosk))
        {
            tokens[principal] = await TokenAsync(principal, IsPartner(role));
        }

        foreach ((_, string principal, _, _, _) in Officers.Values)
        {
            tokens[principal] = await TokenAsync(principal, partner: false);
        }
    }

    /// <summary>Asks the host's token endpoint for an access token of <paramref name="principal"/>.</summary>
    public Task<string> TokenAsync(string principal, bool partner) => TokenAsync(BaseAddress, principal, partner);

    /// <summary>Asks the token endpoint of the host at <paramref name="baseAddress"/> (in process or not) for an access token.</summary>
    public static async Task<string> TokenAsync(Uri baseAddress, string principal, bool partner)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var form = new FormUrlEncodedContent(partner
            ? [new("grant_type", "client_credentials"), new("client_id", principal), new("client_secret", Secrets[principal])]
            : new KeyValuePair<string, string>[] { new("grant_type", "password"), new("username", principal), new("password", Secrets[principal]) });
        using HttpResponseMessage response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), form);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token for {principal} at {baseAddress}: {(int)response.StatusCode} {body} (server: {response.Headers.Server}; {response.Headers.WwwAuthenticate})");
        return JsonSerializer.Deserialize<JsonElement>(body).GetProperty("access_token").GetString()!;
    }

    /// <summary>
    /// Sends <paramref name="eventName"/> as <paramref name="caller"/> once the workflow waits for it, as a partner answers
    /// an order it was given, and asserts it was accepted.
    /// </summary>
    public async Task AnswerAsync(string id, HttpClient caller, string eventName, object body, TimeSpan? timeout = null)
    {
        await WaitForAsync(id, s => s.WaitingFor.Contains(eventName), timeout);
        using HttpResponseMessage response = await Api.RaiseAsync(caller, id, eventName, body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>A client of <paramref name="role"/>: a kiosk with its API key, everyone else with a bearer token from
    /// the host's provider.</summary>
    public HttpClient Client(string? role)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (role == Roles.Kiosk)
        {
            client.DefaultRequestHeaders.Add(SecurityOptions.ApiKeyHeader, Keys[role].Key);
        }
        else if (role is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens[Keys[role].Principal]);
        }

        return client;
    }

    /// <summary>A client with the bearer token of one of the <see cref="Officers"/>.</summary>
    public HttpClient OfficerClient(string officer)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens[Officers[officer].Principal]);
        return client;
    }

    /// <summary>Registers a kiosk directly in the test's storage and returns it with its secret.</summary>
    public static async Task<Kiosk> RegisterKioskAsync(AzuriteFixture azurite, string id, string province, bool mobile = false, string? commune = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        await azurite.Tables.CreateTableIfNotExistsAsync(KioskRegistry.TableName);
        var registry = new KioskRegistry(azurite.Tables, TimeProvider.System);
        return await registry.RegisterAsync(id, province, communeCode: commune, mobile, CancellationToken.None)
            ?? await registry.GetAsync(id, CancellationToken.None)
            ?? throw new InvalidOperationException($"Kiosk {id} could not be registered.");
    }

    /// <summary>An HTTP client that signs every request as <paramref name="kiosk"/> (the client library kiosks use).</summary>
    /// <param name="utf8Headers">Send header values as UTF-8 (HttpClient refuses non-ASCII ones otherwise).</param>
    public HttpClient SignedClient(Kiosk kiosk, TimeProvider? clock = null, bool utf8Headers = false)
    {
        ArgumentNullException.ThrowIfNull(kiosk);
        HttpMessageHandler inner = utf8Headers
            ? new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8 }
            : new HttpClientHandler();
        var handler = new KioskSigningHandler(kiosk.Id, kiosk.Secret, clock) { InnerHandler = inner };
        return new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task<ApplicationStatusResponse> StatusAsync(string id)
    {
        using HttpClient officer = Client(Roles.Operator);
        return (await officer.GetFromJsonAsync<ApplicationStatusResponse>(new Uri($"/api/v1/applications/{id}", UriKind.Relative), JsonSerializerOptions.Web))!;
    }

    /// <summary>Submits a new applicant through <paramref name="kiosk"/> and waits until the workflow waits for an
    /// officer's decision.</summary>
    public async Task<string> SubmitAwaitingApprovalAsync(HttpClient kiosk)
    {
        string id = (await Api.SubmitAsync(kiosk, Samples.NewApplicant(Samples.NextApplicant().FullName, "1990-03-04", null))).ApplicationId;
        await WaitForAsync(id, s => s.WaitingFor.Contains(CitizenWorkflows.Workflow.Orchestration.ApplicationEvents.ApprovalDecision));
        return id;
    }

    /// <summary>Polls the status endpoint until <paramref name="done"/> holds.</summary>
    public async Task<ApplicationStatusResponse> WaitForAsync(string id, Func<ApplicationStatusResponse, bool> done, TimeSpan? timeout = null)
    {
        DateTime until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            ApplicationStatusResponse status = await StatusAsync(id);
            if (done(status))
            {
                return status;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"Application {id} stayed at {status.Stage} ({status.RuntimeStatus}, waiting for [{string.Join(", ", status.WaitingFor)}]) {status.Failure}\n{Output}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing — a crash. The simulators answering it stop too (they know only its address).</summary>
    public async Task KillAsync()
    {
        await process.KillAsync();
        await StopPartnersAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopPartnersAsync();
        await process.DisposeAsync();
    }

    async Task StopPartnersAsync()
    {
        if (partners is not null)
        {
            await partners.DisposeAsync();
            partners = null;
        }
    }
}
