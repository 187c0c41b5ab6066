using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using CitizenWorkflows.Local.Identity;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Security;

/// <summary>
/// OpenID Connect bearer tokens over HTTP against the Local host and its own OpenID provider on Azurite. Tokens are
/// made here with the provider's real signing key (read from the test run's identity folder) and spoiled one property
/// at a time: expired, another audience, another issuer, another key, <c>alg: none</c>, no role, the kiosk role. Each
/// is refused with the 401 problem naming why, as are a kiosk's signature on an operator route; a courier's token on
/// an operator action and a commune officer on another commune's application get 403. Nothing changes the
/// application; the same token unspoiled is accepted, so each refusal is for the one property spoiled.
/// </summary>
public sealed class BearerTokenTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    LocalHostProcess host = null!;
    HttpClient communeKiosk = null!;

    public async Task InitializeAsync()
    {
        host = await LocalHostProcess.StartAsync(azurite, "BearerTokenHub");
        communeKiosk = host.SignedClient(await LocalHostProcess.RegisterKioskAsync(azurite, "KIOSK-HCM-BEN-NGHE", "079", commune: LocalHostProcess.BenNgheCommune));
    }

    public async Task DisposeAsync()
    {
        communeKiosk.Dispose();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task Spoiled_tokens_and_wrong_callers_are_refused_with_problem_details_and_change_nothing()
    {
        string id = await host.SubmitAwaitingApprovalAsync(communeKiosk);
        ApplicationStatusResponse before = await host.StatusAsync(id);
        string status = $"/api/v1/applications/{id}";
        string approve = $"{status}/actions/approve";
        using RSA realRsa = RSA.Create();
        realRsa.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(LocalHostProcess.IdentityDirectory, "identity-signing-key.pem")));
        var real = new RsaSecurityKey(realRsa);
        real.KeyId = Base64UrlEncoder.Encode(real.ComputeJwkThumbprint());
        using RSA otherRsa = RSA.Create(2048);
        // Another key presenting the real key's id: only the signature tells them apart.
        var other = new RsaSecurityKey(otherRsa) { KeyId = real.KeyId };

        var refused = new (string Case, string? Token, string Reason)[]
        {
            ("no token", null, ""),
            ("expired", Token(real, expired: true), "expired"),
            ("another audience", Token(real, audience: "some-other-api"), "audience"),
            ("another issuer", Token(real, issuer: "https://login.example.org/"), "issuer"),
            ("another key", Token(other), "signature"),
            ("alg none", Unsigned(), ""),
            ("no role", Token(real, role: null), "no role"),
            ("the kiosk role", Token(real, role: Roles.Kiosk), "no role"),
        };

        var failures = new List<string>();
        foreach ((string name, string? token, string reason) in refused)
        {
            foreach ((HttpMethod method, string path) in new[] { (HttpMethod.Get, status), (HttpMethod.Post, approve) })
            {
                using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
                if (token is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }

                if (method == HttpMethod.Post)
                {
                    request.Content = JsonContent.Create(new { reason = "documents in order" });
                }

                using HttpClient anonymous = host.Client(null);
                using HttpResponseMessage response = await anonymous.SendAsync(request);
                string body = await response.Content.ReadAsStringAsync();
                bool problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                    && JsonSerializer.Deserialize<JsonElement>(body).GetProperty("type").GetString() == "urn:citizenworkflows:problem:unauthenticated";
                if (response.StatusCode != HttpStatusCode.Unauthorized || !problem || !body.Contains(reason, StringComparison.OrdinalIgnoreCase)
                    || !response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer"))
                {
                    failures.Add($"{name} {method} {path}: {(int)response.StatusCode} {body}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        // The same token, unspoiled, is accepted: each refusal above is for the one property spoiled.
        using (HttpClient control = host.Client(null))
        {
            control.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token(real));
            using HttpResponseMessage read = await control.GetAsync(new Uri(status, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        // A kiosk's signature is no credential on an operator route; partners and other communes are refused by role and area.
        using (HttpResponseMessage signed = await communeKiosk.PostAsJsonAsync(new Uri(approve, UriKind.Relative), new { reason = "r" }))
        {
            await Api.AssertProblemAsync(signed, HttpStatusCode.Unauthorized, "unauthenticated");
        }

        using (HttpClient courier = host.Client(Roles.Courier))
        using (HttpResponseMessage partner = await courier.PostAsJsonAsync(new Uri(approve, UriKind.Relative), new { reason = "r" }))
        {
            await Api.AssertProblemAsync(partner, HttpStatusCode.Forbidden, "forbidden");
        }

        using (HttpClient otherCommune = host.OfficerClient(LocalHostProcess.OtherCommuneOfficer))
        {
            using HttpResponseMessage outside = await otherCommune.PostAsJsonAsync(new Uri(approve, UriKind.Relative), new { reason = "r" });
            await Api.AssertProblemAsync(outside, HttpStatusCode.Forbidden, "area-not-allowed");
            using HttpResponseMessage decision = await Api.RaiseAsync(otherCommune, id, E.ApprovalDecision, new { decision = "approve", reason = "r" });
            await Api.AssertProblemAsync(decision, HttpStatusCode.Forbidden, "area-not-allowed");
        }

        ApplicationStatusResponse after = await host.StatusAsync(id);
        Assert.Equal((before.Stage, before.Timeline.Count, before.RuntimeStatus), (after.Stage, after.Timeline.Count, after.RuntimeStatus));
        Assert.Equal(ApplicationStage.AwaitingApproval, after.Stage);
        using HttpClient supervisor = host.Client(Roles.Supervisor);
        JsonElement audit = await supervisor.GetFromJsonAsync<JsonElement>(new Uri($"{status}/audit", UriKind.Relative));
        JsonElement refusal = Assert.Single(audit.GetProperty("items").EnumerateArray());
        string officer = LocalHostProcess.Officers[LocalHostProcess.OtherCommuneOfficer].Principal;
        Assert.Equal(
            ("refused", "403 area-not-allowed", officer, LocalHostProcess.NameOf(officer)),
            (refusal.GetProperty("outcome").GetString(), refusal.GetProperty("detail").GetString(), refusal.GetProperty("actor").GetString(),
             refusal.GetProperty("actorName").GetString()));
    }

    [Fact]
    public async Task The_provider_refuses_a_wrong_client_secret_or_password_and_publishes_its_keys()
    {
        using HttpClient http = host.Client(null);
        using (var wrongSecret = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("client_id", LocalHostProcess.Keys[Roles.Courier].Principal), new("client_secret", "not-the-secret-at-all")]))
        using (HttpResponseMessage response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), wrongSecret))
        {
            Assert.False(response.IsSuccessStatusCode);
            Assert.Equal("invalid_client", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }

        using (var wrongPassword = new FormUrlEncodedContent([new("grant_type", "password"), new("username", LocalHostProcess.Keys[Roles.Operator].Principal), new("password", "not-the-password-at-all")]))
        using (HttpResponseMessage response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), wrongPassword))
        {
            Assert.False(response.IsSuccessStatusCode);
            Assert.Equal("invalid_grant", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }

        JsonElement discovery = await http.GetFromJsonAsync<JsonElement>(new Uri("/.well-known/openid-configuration", UriKind.Relative));
        Assert.Equal(host.BaseAddress.AbsoluteUri, discovery.GetProperty("issuer").GetString());
        JsonElement keys = await http.GetFromJsonAsync<JsonElement>(new Uri(discovery.GetProperty("jwks_uri").GetString()!));
        Assert.Contains(keys.GetProperty("keys").EnumerateArray(), k => k.GetProperty("kty").GetString() == "RSA" && k.GetProperty("use").GetString() == "sig");
    }

    /// <summary>An operator's access token as the local provider makes it, with one property changed.</summary>
    string Token(SecurityKey key, bool expired = false, string audience = LocalIdentityProvider.Audience, string? issuer = null, string? role = Roles.Operator)
    {
        DateTime now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = "officer-forged", ["name"] = "Forged officer" };
        if (role is not null)
        {
            claims["roles"] = role;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? host.BaseAddress.AbsoluteUri,
            Audience = audience,
            IssuedAt = expired ? now.AddHours(-2) : now,
            NotBefore = expired ? now.AddHours(-2) : now,
            Expires = expired ? now.AddHours(-1) : now.AddMinutes(10),
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>A valid-looking operator token with <c>alg: none</c> and no signature.</summary>
    string Unsigned()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        string payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = host.BaseAddress.AbsoluteUri, ["aud"] = LocalIdentityProvider.Audience, ["sub"] = "officer-forged",
            ["roles"] = Roles.Operator, ["iat"] = now, ["nbf"] = now, ["exp"] = now + 600,
        }));
        return $"{header}.{payload}.";
    }
}
