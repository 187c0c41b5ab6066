using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Registry;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Tests.Registry;

/// <summary>The CheckRegistry activity run by a durable orchestration (in-memory backend) against the registry on Azurite.</summary>
public class CheckRegistryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    const string Probe = "RegistryCheckProbe";

    static readonly CitizenRecord Hanh = RegistrySamples.Hanh;

    DurableTaskTestHost host = null!;

    public async Task InitializeAsync()
    {
        host = await DurableTestHosts.StartAsync(
            registry => registry
                .AddActivity<CheckRegistry>()
                .AddOrchestratorFunc<RegistryCheckRequest, RegistryMatch>(
                    Probe, (context, input) => context.CallActivityAsync<RegistryMatch>(nameof(CheckRegistry), input)),
            services => services.AddLogging().AddSingleton(azurite.Tables).AddPopulationRegistry());
        PopulationRegistry registry = host.Services.GetRequiredService<PopulationRegistry>();
        await registry.EnsureTableAsync();
        await registry.UpsertAsync(Hanh);
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    async Task<RegistryMatch> CheckAsync(RegistryCheckRequest request)
    {
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(Probe, request);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        OrchestrationMetadata done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, done.FailureDetails?.ErrorMessage);
        return done.ReadOutputAs<RegistryMatch>()!;
    }

    [Fact]
    public async Task A_registered_applicant_matches()
    {
        RegistryMatch match = await CheckAsync(new RegistryCheckRequest("079194001234", "TRẦN  THỊ HẠNH", Hanh.DateOfBirth, Sex.Female, "079"));
        Assert.Equal(RegistryOutcome.Match, match.Outcome);
        Assert.Empty(match.MismatchedFields);
    }

    [Fact]
    public async Task A_mismatch_names_the_fields_for_manual_review()
    {
        RegistryMatch match = await CheckAsync(new RegistryCheckRequest("079194001234", "Tran Thi Hanh", new DateOnly(1994, 8, 16), Sex.Female, "079"));
        Assert.Equal(RegistryOutcome.Mismatch, match.Outcome);
        Assert.Equal(["FullName", "DateOfBirth"], match.MismatchedFields);
    }

    [Fact]
    public async Task A_number_the_registry_does_not_hold_is_unknown()
    {
        RegistryMatch match = await CheckAsync(new RegistryCheckRequest("079194009999", Hanh.FullName, Hanh.DateOfBirth, Sex.Female, "079"));
        Assert.Equal(RegistryOutcome.Unknown, match.Outcome);
    }

    [Fact]
    public async Task An_applicant_without_a_number_is_unknown()
    {
        var applicant = new Applicant(Hanh.FullName, Hanh.DateOfBirth, Sex.Female, null, null, "079", Hanh.PermanentResidence);
        RegistryMatch match = await CheckAsync(RegistryCheckRequest.For(applicant));
        Assert.Equal(RegistryOutcome.Unknown, match.Outcome);
        Assert.Empty(match.MismatchedFields);
    }
}
