using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Security;

/// <summary>
/// The <c>ApiKey</c> authentication scheme: the <c>X-Api-Key</c> header, looked up in <see cref="ApiKeyCredentials"/>,
/// becomes the caller's claims (<see cref="CallerClaims"/>). Its challenge adds its <c>WWW-Authenticate</c>;
/// <see cref="AuthorizationProblems"/> writes the one 401 <c>unauthenticated</c> problem for every scheme.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyCredentials credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? key = Request.Headers[SecurityOptions.ApiKeyHeader];
        if (string.IsNullOrEmpty(key))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(credentials.TryFind(key, out Caller? caller)
            ? AuthenticateResult.Success(new AuthenticationTicket(CallerClaims.ToPrincipal(caller, SchemeName), SchemeName))
            : AuthenticateResult.Fail("Unknown API key."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append("WWW-Authenticate", $"ApiKey header=\"{SecurityOptions.ApiKeyHeader}\"");
        return Task.CompletedTask;
    }
}
