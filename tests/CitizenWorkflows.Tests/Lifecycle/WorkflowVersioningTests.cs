using System.Text.Json.Nodes;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Storage;
using Microsoft.DurableTask.Converters;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Tests.Lifecycle;

/// <summary>
/// Which version of the workflow an instance runs: the one its input recorded at the start (1 for inputs stored before
/// versions were recorded); new instances get the configured one, this build's latest unless set.
/// </summary>
public class WorkflowVersioningTests
{
    static readonly JsonDataConverter Converter = JsonDataConverter.Default;

    [Fact]
    public void An_input_stored_before_versions_were_recorded_runs_as_version_1()
    {
        // What the hosts' converter wrote for an instance started before the field existed: the same input without it.
        JsonObject stored = JsonNode.Parse(Converter.Serialize(Input(CardApplicationOrchestration.LatestVersion))!)!.AsObject();
        string field = stored.Select(p => p.Key).Single(k => k.Equals(nameof(CardApplicationInput.WorkflowVersion), StringComparison.OrdinalIgnoreCase));
        stored.Remove(field);

        Assert.Equal(1, Converter.Deserialize<CardApplicationInput>(stored.ToJsonString())!.WorkflowVersion);
        Assert.Equal(
            CardApplicationOrchestration.LatestVersion,
            Converter.Deserialize<CardApplicationInput>(Converter.Serialize(Input(CardApplicationOrchestration.LatestVersion)))!.WorkflowVersion);
    }

    [Fact]
    public void New_instances_start_on_the_latest_version_unless_configuration_names_another()
    {
        Assert.Equal(CardApplicationOrchestration.LatestVersion, Configured(null));
        Assert.Equal(1, Configured("1"));
    }

    [Fact]
    public void A_version_this_build_does_not_run_is_refused_as_the_host_starts()
    {
        Assert.Throws<OptionsValidationException>(() => Configured("0"));
        OptionsValidationException refused = Assert.Throws<OptionsValidationException>(
            () => Configured((CardApplicationOrchestration.LatestVersion + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains("Workflow:OrchestrationVersion", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>The version the hosts' shared registration gives new instances with
    /// <c>Workflow:OrchestrationVersion</c> set (or not).</summary>
    static int Configured(string? version)
    {
        var settings = new Dictionary<string, string?> { ["Storage:ConnectionString"] = "UseDevelopmentStorage=true" };
        if (version is not null)
        {
            settings["Workflow:OrchestrationVersion"] = version;
        }

        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using ServiceProvider services = new ServiceCollection().AddCitizenWorkflows(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<WorkflowVersioning>>().Value.OrchestrationVersion;
    }

    static CardApplicationInput Input(int version)
    {
        var received = new DateTimeOffset(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);
        var portrait = new DocumentReference(StorageNames.DocumentsContainer, "applications/app-1/portrait", "image/png", 10, "00");
        return new CardApplicationInput(
            new ApplicationHeader("app-1", ApplicationType.New, "079", "kiosk-test", received, received.AddDays(9)),
            Samples.Hanh, portrait, [portrait], new WorkflowPolicy(), WorkflowVersion: version);
    }
}
