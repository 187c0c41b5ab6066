using System.Text.Json;
using Azure.Storage.Blobs;
using CitizenWorkflows.Biometrics.Portrait;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow;
using CitizenWorkflows.Workflow.Biometrics.Duplicates;
using CitizenWorkflows.Workflow.Delivery.Shipments;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Operations.Reconciliation;
using CitizenWorkflows.Workflow.Production;
using CitizenWorkflows.Workflow.Production.PrintBatches;
using CitizenWorkflows.Workflow.Operations.Dashboard;
using CitizenWorkflows.Workflow.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Tests.Functions;

/// <summary>
/// <c>local.settings.json.example</c> is what <c>func start</c> runs with once copied: its <c>Values</c> become the
/// worker's environment variables (<c>__</c> nests), read here by the same environment-variable provider, then the
/// Functions app's composition (<c>Program.cs</c>: <see cref="WorkflowServices.AddCitizenWorkflows"/> and
/// <see cref="PortraitQualityServices.AddOpenCvPortraitQuality"/>) resolves every options type it binds, the API keys
/// and the card-signing key as start-up and the first personalisation do.
/// </summary>
public sealed class LocalSettingsExampleTests : IDisposable
{
    // Every options type the app binds, with its section; a new one fails the test until the example holds it.
    static readonly Dictionary<Type, string> SectionsByOptions = new()
    {
        [typeof(WorkflowPolicy)] = WorkflowPolicy.SectionName,
        // Shares the policy's section; the example leaves it out, so instances start on the build's latest version.
        [typeof(WorkflowVersioning)] = WorkflowVersioning.SectionName,
        [typeof(SecurityOptions)] = SecurityOptions.SectionName,
        [typeof(RateLimitOptions)] = RateLimitOptions.SectionName,
        [typeof(DuplicateSearchOptions)] = DuplicateSearchOptions.SectionName,
        [typeof(PortraitQualityOptions)] = PortraitQualityServices.SectionName,
        [typeof(ReconciliationOptions)] = ReconciliationOptions.SectionName,
        [typeof(PrintBatchOptions)] = PrintBatchOptions.SectionName,
        [typeof(ShipmentOptions)] = ShipmentOptions.SectionName,
        [typeof(DashboardSignInOptions)] = DashboardSignInOptions.SectionName,
    };

    // Read outside the options types: by the Functions host (host.json, triggers) or straight from configuration.
    static readonly string[] SettingsReadElsewhere =
    [
        "AzureWebJobsStorage", "FUNCTIONS_WORKER_RUNTIME", "TaskHubName", "Reconciliation:Schedule", "Storage:ConnectionString",
        CardSigningKey.DevelopmentKeyFileKey,
        // The bearer scheme reads its section when it is registered (Security/OpenIdConnectBearer.cs).
        "Security:OpenIdConnect", "Security:OpenIdConnect:Authority", "Security:OpenIdConnect:Audience", "Security:OpenIdConnect:RequireHttpsMetadata",
    ];

    static string ExamplePath => Path.Combine(RepoPaths.Root, "functions", "CitizenWorkflows.Functions", "local.settings.json.example");

    readonly string prefix = $"CW_EXAMPLE_{Guid.NewGuid():N}_";
    readonly string workingDirectory = Directory.CreateTempSubdirectory("cw-func-start-").FullName;
    readonly Dictionary<string, string> values = ReadValues();

    public void Dispose()
    {
        foreach (string key in values.Keys)
        {
            Environment.SetEnvironmentVariable(prefix + key, null);
        }

        Directory.Delete(workingDirectory, recursive: true);
    }

    [Fact]
    public void Every_options_type_the_app_binds_resolves_from_the_example_and_every_key_is_one_the_app_reads()
    {
        IConfiguration configuration = AsTheWorkerReadsIt();
        var services = new ServiceCollection().AddLogging();
        services.AddCitizenWorkflows(configuration);
        services.AddOpenCvPortraitQuality(configuration);

        Type[] bound = [.. services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(t => t.Namespace?.StartsWith("CitizenWorkflows", StringComparison.Ordinal) == true)
            .Distinct()];
        Assert.Equal(SectionsByOptions.Keys.OrderBy(t => t.FullName), bound.OrderBy(t => t.FullName));

        using ServiceProvider provider = services.BuildServiceProvider();
        foreach ((Type options, string section) in SectionsByOptions)
        {
            Assert.True(configuration.GetSection(section).Exists(), $"the example has no {section} settings ({options.Name})");
            Type accessor = typeof(IOptions<>).MakeGenericType(options);
            Assert.NotNull(accessor.GetProperty(nameof(IOptions<object>.Value))!.GetValue(provider.GetRequiredService(accessor)));
            // A misspelt or stale key would be silently ignored by the app: bind strictly to find it.
            // Keys of another options type bound from the same section are that type's to check.
            string[] siblingKeys = [.. SectionsByOptions.Where(o => o.Value == section && o.Key != options).SelectMany(o => o.Key.GetProperties()).Select(p => p.Name)];
            IConfiguration strict = new ConfigurationBuilder().AddInMemoryCollection(configuration.GetSection(section).AsEnumerable(makePathsRelative: true)
                .Where(kv => !SettingsReadElsewhere.Contains($"{section}:{kv.Key}", StringComparer.Ordinal)
                    && !siblingKeys.Contains(kv.Key.Split(':')[0], StringComparer.OrdinalIgnoreCase))).Build();
            strict.Get(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }

        string[] unread = [.. values.Keys.Select(k => k.Replace("__", ":", StringComparison.Ordinal))
            .Where(k => !SettingsReadElsewhere.Contains(k, StringComparer.Ordinal)
                && !SectionsByOptions.Values.Any(s => k.StartsWith(s + ":", StringComparison.Ordinal))
                && !k.StartsWith("Calendar:Holidays:", StringComparison.Ordinal))];
        Assert.Empty(unread);

        // What the app builds from them: the example's values, not the code's defaults.
        Assert.Equal(2, provider.GetRequiredService<IOptions<WorkflowPolicy>>().Value.ApprovalWorkingDays);
        Assert.Equal(10, configuration.GetSection("Calendar:Holidays").Get<DateOnly[]>()!.Length);
        Assert.False(provider.GetRequiredService<WorkingDayCalendar>().IsWorkingDay(new DateOnly(2026, 9, 2)), "National Day is a holiday");
        Assert.Equal("devstoreaccount1", provider.GetRequiredService<BlobServiceClient>().AccountName);
    }

    [Fact]
    public void The_example_has_valid_kiosk_keys_only_and_no_two_alike()
    {
        using ServiceProvider provider = Compose();

        // ApiKeyCredentials refuses unknown roles, people's and (by default) partners' keys, short keys and unresolved
        // Key Vault references at start-up; people and partners sign in with OpenID Connect.
        var credentials = provider.GetRequiredService<ApiKeyCredentials>();
        IList<ApiCredential> keys = provider.GetRequiredService<IOptions<SecurityOptions>>().Value.ApiKeys;
        Assert.Equal([Roles.Kiosk], keys.Select(k => k.Role).Distinct());
        Assert.False(provider.GetRequiredService<IOptions<SecurityOptions>>().Value.PartnerApiKeys);
        Assert.Equal(keys.Count, keys.Select(k => k.Key).Distinct().Count());
        foreach (ApiCredential key in keys)
        {
            Assert.True(credentials.TryFind(key.Key, out Caller? caller));
            Assert.Equal(key.Role, caller.Role);
        }
    }

    [Fact]
    public void The_card_signing_key_is_made_at_the_examples_development_path_on_first_use_and_signs()
    {
        string relative = values["CardSigning__DevelopmentKeyFile"];
        Assert.False(Path.IsPathRooted(relative), "relative to the working directory, so no machine's path is in the example");
        string expected = Path.Combine(workingDirectory, relative);

        using ServiceProvider provider = Compose(Path.GetFullPath(expected));
        CardSigner signer = provider.GetRequiredService<CardSigner>();

        Assert.True(File.Exists(expected));
        using CardSigningKey stored = CardSigningKey.FromPem(File.ReadAllText(expected));
        Assert.True(signer.Verify(signer.Sign(Production.CardSamples.Chip())).IsValid);
        Assert.True(new CardSigner(stored).Verify(signer.Sign(Production.CardSamples.Chip())).IsValid, "the file holds the key that signed");
    }

    // The example's development key path is relative to the worker's working directory; the tests run elsewhere, so
    // the path is rooted in a temporary folder (the file the example names is otherwise the same).
    ServiceProvider Compose(string? developmentKeyFile = null)
    {
        IConfiguration configuration = AsTheWorkerReadsIt(developmentKeyFile ?? Path.Combine(workingDirectory, values["CardSigning__DevelopmentKeyFile"]));
        var services = new ServiceCollection().AddLogging();
        services.AddCitizenWorkflows(configuration);
        services.AddOpenCvPortraitQuality(configuration);
        return services.BuildServiceProvider();
    }

    IConfiguration AsTheWorkerReadsIt(string? developmentKeyFile = null)
    {
        foreach ((string key, string value) in values)
        {
            Environment.SetEnvironmentVariable(prefix + key, key == "CardSigning__DevelopmentKeyFile" && developmentKeyFile is not null ? developmentKeyFile : value);
        }

        return new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
    }

    static Dictionary<string, string> ReadValues()
    {
        using JsonDocument example = JsonDocument.Parse(File.ReadAllText(ExamplePath));
        Assert.False(example.RootElement.GetProperty("IsEncrypted").GetBoolean());
        return example.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }
}
