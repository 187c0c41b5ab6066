using CitizenWorkflows.Local;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Security;

namespace CitizenWorkflows.Tests.Security;

/// <summary>A person's API key stops the host as it starts, with the migration message, not at the first request.</summary>
public sealed class PersonKeyAtStartTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_host_configured_with_an_officers_api_key_does_not_start()
    {
        Dictionary<string, string> settings = LocalHostProcess.Configuration(azurite, "PersonKeyHub", FreePorts.Take(1)[0]);
        settings["Security:ApiKeys:90:Key"] = "an-officers-key-0123456789abcdef";
        settings["Security:ApiKeys:90:Role"] = Roles.Operator;
        settings["Security:ApiKeys:90:Principal"] = "officer-with-a-key";

        InvalidOperationException refused = await Assert.ThrowsAsync<InvalidOperationException>(
            () => LocalHost.StartAsync([.. settings.Select(s => $"--{s.Key}={s.Value}")]));

        Assert.Contains("officer-with-a-key", refused.Message, StringComparison.Ordinal);
        Assert.Contains("OpenID Connect", refused.Message, StringComparison.Ordinal);
    }
}
