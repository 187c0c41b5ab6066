using System.Security.Claims;
using CitizenWorkflows.Workflow.Security;

namespace CitizenWorkflows.Tests.Security;

/// <summary>How a validated token's claims become the caller every policy reads (<see cref="OpenIdConnectBearer.ToCaller"/>).</summary>
public class OpenIdConnectClaimsTests
{
    static readonly OpenIdConnectOptions Settings = new();

    static ClaimsPrincipal Token(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "Bearer"));

    [Fact]
    public void An_officer_token_maps_subject_name_role_and_area()
    {
        Caller? caller = OpenIdConnectBearer.ToCaller(
            Token(("sub", "u-42"), ("name", "Nguyễn Văn A"), ("roles", "operator"), ("province", "079"), ("commune", "26740")), Settings, out string? refusal);

        Assert.Null(refusal);
        Assert.Equal(new Caller("u-42", Roles.Operator, "079", null, "26740", "Nguyễn Văn A"), caller);
        Assert.True(OfficerArea.IsBound(caller!));
    }

    [Fact]
    public void A_partner_token_is_named_by_its_client_id_and_foreign_roles_are_ignored()
    {
        Caller? caller = OpenIdConnectBearer.ToCaller(
            Token(("sub", "sp-7"), ("azp", "print-centre-north"), ("roles", "Directory.Read"), ("roles", "print-centre")), Settings, out _);

        Assert.Equal(new Caller("sp-7", Roles.PrintCentre, null, Name: "print-centre-north"), caller);
    }

    [Theory]
    [InlineData("no role", "roles:Directory.Read", "no role")]
    [InlineData("two roles", "roles:operator;roles:supervisor", "several roles")]
    [InlineData("a kiosk", "roles:kiosk", "no role")]
    [InlineData("no subject", "nosub;roles:operator", "no subject")]
    public void A_token_without_exactly_one_role_or_a_subject_names_no_caller(string what, string claims, string reason)
    {
        var pairs = claims.Split(';').Where(c => c.Contains(':', StringComparison.Ordinal)).Select(c => (c.Split(':')[0], c.Split(':')[1])).ToList();
        if (!claims.StartsWith("nosub", StringComparison.Ordinal))
        {
            pairs.Add(("sub", "u-1"));
        }

        Caller? caller = OpenIdConnectBearer.ToCaller(Token([.. pairs]), Settings, out string? refusal);

        Assert.True(caller is null, what);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Claim_names_come_from_configuration()
    {
        var entra = new OpenIdConnectOptions { RoleClaim = "app_roles", ProvinceClaim = "extn.province" };

        Caller? caller = OpenIdConnectBearer.ToCaller(Token(("oid", "o-1"), ("app_roles", "operator"), ("extn.province", "001")), entra, out _);

        Assert.Equal(new Caller("o-1", Roles.Operator, "001"), caller);
    }
}
