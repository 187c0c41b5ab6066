using CitizenWorkflows.Workflow.Security;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Tests.Security;

/// <summary>Which API keys remain (issue 18): a kiosk's; a partner's only behind a setting that is off by default;
/// never a person's.</summary>
public class ApiKeyCredentialsTests
{
    static ApiKeyCredentials With(string role, bool partnerKeys = false)
    {
        var options = new SecurityOptions { PartnerApiKeys = partnerKeys };
        options.ApiKeys.Add(new ApiCredential { Key = "key-0123456789abcdef", Role = role, Principal = "holder-1" });
        return new ApiKeyCredentials(Options.Create(options));
    }

    [Fact]
    public void A_kiosk_key_still_authenticates_its_kiosk()
    {
        Assert.True(With(Roles.Kiosk).TryFind("key-0123456789abcdef", out Caller? caller));
        Assert.Equal(("holder-1", Roles.Kiosk), (caller!.Principal, caller.Role));
    }

    [Theory]
    [InlineData(Roles.Operator)]
    [InlineData(Roles.Supervisor)]
    public void A_persons_key_stops_the_host_with_the_migration_note(string role)
    {
        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => With(role, partnerKeys: true));
        Assert.Contains("people sign in with OpenID Connect", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Roles.PrintCentre)]
    [InlineData(Roles.Courier)]
    [InlineData(Roles.BiometricMatcher)]
    public void A_partners_key_needs_the_setting_that_is_off_by_default(string role)
    {
        Assert.False(new SecurityOptions().PartnerApiKeys);
        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => With(role));
        Assert.Contains("PartnerApiKeys=true", refused.Message, StringComparison.Ordinal);

        Assert.True(With(role, partnerKeys: true).TryFind("key-0123456789abcdef", out Caller? caller));
        Assert.Equal(role, caller!.Role);
    }
}
