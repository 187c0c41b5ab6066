using System.Security.Claims;
using System.Security.Cryptography;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Operations.Dashboard;
using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CitizenWorkflows.Local.Identity;

/// <summary>
/// A real OpenID provider inside the Local host (OpenIddict's server): discovery at
/// <c>/.well-known/openid-configuration</c>, the signing keys at <c>/.well-known/jwks</c>, and <c>/connect/token</c> for
/// partners' client credentials and officers' passwords, <c>/connect/authorize</c> (a sign-in page) for the dashboard's
/// authorization code with PKCE. Its accounts are <see cref="LocalIdentities"/>; its RSA keys are
/// made on first run under <c>.local/</c>. Its tokens are JWTs signed with RS256 for the audience
/// <see cref="Audience"/>, carrying <c>roles</c> and the area claims as Entra ID's would, and the host's API validates
/// them through the same JwtBearer scheme (Workflow/Security/OpenIdConnectBearer) as the Functions app in Azure.
/// OpenIddict runs in degraded mode (no database): the accounts file is the store, checked by the handlers here.
/// </summary>
public static class LocalIdentityProvider
{
    /// <summary>The API's audience in the tokens this provider issues.</summary>
    public const string Audience = "citizenworkflows-api";

    public const string TokenPath = "connect/token";

    public const string AuthorizePath = "connect/authorize";

    /// <summary>The operators' dashboard: a public client (no secret) using the authorization code with PKCE.</summary>
    public const string DashboardClientId = "dashboard";

    public static string DefaultDirectory => Path.Combine(Directory.GetCurrentDirectory(), ".local");

    /// <summary>The provider's accounts: <c>identities.json</c> in <c>Local:IdentityDirectory</c> (default <c>.local/</c>).</summary>
    public static string AccountsFile(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Path.Combine(configuration["Local:IdentityDirectory"] ?? DefaultDirectory, "identities.json");
    }

    /// <summary>
    /// Registers the provider at <paramref name="issuer"/> (the host's own address) with the accounts and keys in
    /// <c>Local:IdentityDirectory</c> (default <c>.local/</c>), and points the API's bearer scheme at it unless
    /// <c>Security:OpenIdConnect:Authority</c> names another provider. Off with <c>Local:IdentityProvider:Enabled=false</c>.
    /// </summary>
    public static LocalIdentities? AddLocalIdentityProvider(this IServiceCollection services, ConfigurationManager configuration, Uri issuer)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!(configuration.GetValue<bool?>("Local:IdentityProvider:Enabled") ?? true))
        {
            return null;
        }

        string directory = configuration["Local:IdentityDirectory"] ?? DefaultDirectory;
        LocalIdentities identities = LocalIdentities.LoadOrCreate(AccountsFile(configuration));
        RsaSecurityKey signing = RsaKey(Path.Combine(directory, "identity-signing-key.pem"));
        RsaSecurityKey encryption = RsaKey(Path.Combine(directory, "identity-encryption-key.pem"));
        if (string.IsNullOrWhiteSpace(configuration[$"{OpenIdConnectOptions.SectionName}:Authority"]))
        {
            configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"{DashboardSignInOptions.SectionName}:ClientId"] = DashboardClientId,
                [$"{DashboardSignInOptions.SectionName}:Scope"] = Scopes.OpenId,
                [$"{OpenIdConnectOptions.SectionName}:Authority"] = issuer.AbsoluteUri,
                [$"{OpenIdConnectOptions.SectionName}:Audience"] = Audience,
                // Plain HTTP on the loopback address only: the provider is this process.
                [$"{OpenIdConnectOptions.SectionName}:RequireHttpsMetadata"] = "false",
            });
        }

        services.AddSingleton(identities);
        services.AddOpenIddict().AddServer(server =>
        {
            server.SetIssuer(issuer)
                .SetTokenEndpointUris(TokenPath)
                .SetAuthorizationEndpointUris(AuthorizePath)
                .AllowClientCredentialsFlow()
                .AllowPasswordFlow()
                .AllowAuthorizationCodeFlow()
                .RequireProofKeyForCodeExchange()
                .AcceptAnonymousClients()
                .EnableDegradedMode()
                .AddSigningKey(signing)
                .AddEncryptionKey(encryption)
                // Resource servers (the API, Entra-style) read the JWT; encrypted access tokens are for OpenIddict's own validation.
                .DisableAccessTokenEncryption()
                .SetAccessTokenLifetime(TimeSpan.FromHours(1));
            server.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler =>
                handler.UseInlineHandler(context => AuthenticateClient(context, identities)));
            // Only the dashboard, and only back to the dashboard: the code goes nowhere else.
            string dashboard = new Uri(issuer, ApiRoutes.Prefix + "/" + ApiRoutes.Dashboard).AbsoluteUri;
            server.AddEventHandler<OpenIddictServerEvents.ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != DashboardClientId || context.RedirectUri != dashboard)
                {
                    context.Reject(Errors.InvalidClient, $"Only the client '{DashboardClientId}' signs in here, returning to {dashboard}.");
                }

                return ValueTask.CompletedTask;
            }));
            server.UseAspNetCore()
                .EnableTokenEndpointPassthrough()
                .EnableAuthorizationEndpointPassthrough()
                .DisableTransportSecurityRequirement();
        });
        return identities;
    }

    /// <summary>Maps the token endpoint's own step: who the token is for, once OpenIddict has checked the request.</summary>
    public static void MapLocalIdentityProvider(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/" + TokenPath, async (HttpContext http, LocalIdentities identities) =>
        {
            OpenIddictRequest request = RequestOf(http);
            LocalAccount? account = request.IsClientCredentialsGrantType()
                ? identities.Accounts.FirstOrDefault(a => a.Kind == LocalAccount.ClientKind && a.Id == request.ClientId)
                : request.IsPasswordGrantType() ? identities.Authenticate(LocalAccount.UserKind, request.Username, request.Password)
                // OpenIddict has checked the code, its client, redirect and PKCE verifier; the account is read again for its current role.
                : request.IsAuthorizationCodeGrantType()
                    && (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal?.GetClaim(Claims.Subject) is { } subject
                    ? identities.Accounts.FirstOrDefault(a => a.Kind == LocalAccount.UserKind && a.Id == subject)
                : null;
            if (account is null)
            {
                return Results.Forbid(
                    new AuthenticationProperties(new Dictionary<string, string?>
                    {
                        [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidGrant,
                        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The user name or password is not valid.",
                    }),
                    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            return Results.SignIn(PrincipalOf(account, request.GetScopes()), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        });

        // The sign-in page of the authorization code flow: the form posts the request's parameters back with the
        // officer's user name and password; once they match, OpenIddict redirects to the dashboard with the code.
        app.MapMethods("/" + AuthorizePath, [HttpMethods.Get, HttpMethods.Post], (HttpContext http, LocalIdentities identities) =>
        {
            OpenIddictRequest request = RequestOf(http);
            string? error = null;
            if (HttpMethods.IsPost(http.Request.Method) && request.Username is not null)
            {
                if (identities.Authenticate(LocalAccount.UserKind, request.Username, request.Password) is { } account)
                {
                    return Results.SignIn(PrincipalOf(account, request.GetScopes()), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
                }

                error = "The user name or password is not valid.";
            }

            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; form-action 'self'; frame-ancestors 'none'";
            http.Response.Headers.CacheControl = "no-store";
            return Results.Content(LocalSignInPage.Render(request, error), "text/html; charset=utf-8");
        });
    }

    static OpenIddictRequest RequestOf(HttpContext http) =>
        http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

    /// <summary>The token's claims: subject, name, the one role, the area; all bound for the access token.</summary>
    static ClaimsPrincipal PrincipalOf(LocalAccount account, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, "roles");
        identity.SetClaim(Claims.Subject, account.Id)
            .SetClaim(Claims.Name, account.Name ?? account.Id)
            .SetClaim("roles", account.Role)
            .SetClaim("province", account.Province)
            .SetClaim("district", account.District)
            .SetClaim("commune", account.Commune);
        if (account.Kind == LocalAccount.ClientKind)
        {
            identity.SetClaim(Claims.ClientId, account.Id);
        }

        identity.SetResources(Audience).SetAudiences(Audience).SetScopes(scopes);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return new ClaimsPrincipal(identity);
    }

    // Degraded mode has no application store: a partner's client id and secret are checked against the accounts here.
    static ValueTask AuthenticateClient(OpenIddictServerEvents.ValidateTokenRequestContext context, LocalIdentities identities)
    {
        if (context.Request.IsClientCredentialsGrantType()
            && identities.Authenticate(LocalAccount.ClientKind, context.ClientId, context.Request.ClientSecret) is null)
        {
            context.Reject(Errors.InvalidClient, "The client id or secret is not valid.");
        }

        return ValueTask.CompletedTask;
    }

    static RsaSecurityKey RsaKey(string path)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(OwnerOnlyFile.ReadOrCreate(path, () =>
        {
            using var created = RSA.Create(2048);
            return created.ExportPkcs8PrivateKeyPem();
        }));
        var key = new RsaSecurityKey(rsa);
        // The key id is its thumbprint, so it stays the same across restarts and tokens name the key that signed them.
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }
}
