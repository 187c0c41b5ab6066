using System.Net.Http.Headers;
using System.Text.Json;

namespace CitizenWorkflows.Local.Identity;

/// <summary>
/// Signs every request of a local tool (a simulator, a load run's officer) in as one <see cref="LocalAccount"/>: a
/// partner by client credentials, a person by password, at the Local host's own token endpoint; the token is kept
/// until a minute before it expires.
/// </summary>
public sealed class LocalAccessTokenHandler(Uri provider, LocalAccount account) : DelegatingHandler(new SocketsHttpHandler())
{
    static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    readonly SemaphoreSlim renewing = new(1, 1);
    string? token;
    DateTimeOffset renewAt;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }

    async Task<string> TokenAsync(CancellationToken cancellationToken)
    {
        await renewing.WaitAsync(cancellationToken);
        try
        {
            if (token is null || DateTimeOffset.UtcNow >= renewAt)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(provider, LocalIdentityProvider.TokenPath)) { Content = Grant() };
                using HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
                string body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"'{account.Id}' could not sign in at the local OpenID provider: {(int)response.StatusCode} {body}");
                }

                JsonElement answer = JsonSerializer.Deserialize<JsonElement>(body);
                token = answer.GetProperty("access_token").GetString();
                renewAt = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(answer.GetProperty("expires_in").GetInt32()) - RenewBefore;
            }

            return token!;
        }
        finally
        {
            renewing.Release();
        }
    }

    FormUrlEncodedContent Grant() => new(account.Kind == LocalAccount.ClientKind
        ? [new("grant_type", "client_credentials"), new("client_id", account.Id), new("client_secret", account.Secret)]
        : new KeyValuePair<string, string>[] { new("grant_type", "password"), new("username", account.Id), new("password", account.Secret) });

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            renewing.Dispose();
        }

        base.Dispose(disposing);
    }
}
