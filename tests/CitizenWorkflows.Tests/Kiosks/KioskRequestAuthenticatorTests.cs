using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Azure.Data.Tables;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Kiosks;
using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CitizenWorkflows.Tests.Kiosks;

/// <summary>
/// Signed kiosk requests against the registry and nonce ledger on a private Azurite, with a hand-set clock: each way
/// a request is accepted or refused, the area rule, and the signing handler end to end through an HttpClient.
/// </summary>
public sealed class KioskRequestAuthenticatorTests : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    const string ApplicationsPath = "/api/v1/applications";
    static readonly DateTimeOffset Start = new(2025, 7, 1, 8, 30, 0, TimeSpan.Zero);
    static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"new","applicant":{"fullName":"Trần Thị Hạnh"}}""");

    readonly FakeClock clock = new(Start);
    readonly ServiceProvider services;

    public KioskRequestAuthenticatorTests(AzuriteFixture azurite)
    {
        services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(new TableServiceClient(azurite.ConnectionString))
            .AddSingleton<TimeProvider>(clock)
            .AddKioskIntake()
            .BuildServiceProvider();
    }

    KioskRegistry Registry => services.GetRequiredService<KioskRegistry>();

    KioskRequestAuthenticator Authenticator => services.GetRequiredService<KioskRequestAuthenticator>();

    public async Task InitializeAsync()
    {
        foreach (IHostedService hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    public async Task DisposeAsync() => await services.DisposeAsync();

    [Fact]
    public async Task A_signed_request_from_an_active_kiosk_authenticates_as_that_kiosk()
    {
        Kiosk kiosk = await RegisterAsync("079");

        KioskAuthentication result = await AuthenticateAsync(Signed(kiosk));

        Assert.True(result.Succeeded);
        Assert.Equal(new Caller(kiosk.Id, Roles.Kiosk, "079"), result.Caller);
        Assert.Equal(kiosk, result.Kiosk);
    }

    [Theory]
    [InlineData(-300, true)]
    [InlineData(300, true)]
    [InlineData(-301, false)]
    [InlineData(301, false)]
    [InlineData(-86_400, false)]
    [InlineData(999_999_999_999 - 1_751_358_600, false)]
    public async Task The_timestamp_must_be_within_five_minutes_of_the_server_clock(long offsetSeconds, bool accepted)
    {
        Kiosk kiosk = await RegisterAsync("079");
        long signedAt = Start.ToUnixTimeSeconds() + offsetSeconds;

        KioskAuthentication result = await AuthenticateAsync(Signed(kiosk, timestamp: signedAt));

        if (accepted)
        {
            Assert.True(result.Succeeded);
        }
        else
        {
            ProblemDetailsOf(result, 401, "kiosk-signature-expired", kiosk);
        }
    }

    [Fact]
    public async Task A_request_signed_in_time_expires_when_it_arrives_late()
    {
        Kiosk kiosk = await RegisterAsync("079");
        HttpRequest request = Signed(kiosk);
        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromMilliseconds(1));

        string detail = ProblemDetailsOf(await AuthenticateAsync(request), 401, "kiosk-signature-expired", kiosk);
        Assert.Contains("is 300 s behind the server clock", detail, StringComparison.Ordinal);
        Assert.Contains("2025-07-01T08:35:00Z", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replayed_request_is_refused_even_with_a_new_body_and_signature()
    {
        Kiosk kiosk = await RegisterAsync("079");
        const string nonce = "replay-0000000000000001";

        Assert.True((await AuthenticateAsync(Signed(kiosk, nonce: nonce))).Succeeded);
        ProblemDetailsOf(await AuthenticateAsync(Signed(kiosk, nonce: nonce)), 401, "kiosk-signature-replayed", kiosk);
        ProblemDetailsOf(await AuthenticateAsync(Signed(kiosk, nonce: nonce, body: Encoding.UTF8.GetBytes("{}"))), 401, "kiosk-signature-replayed", kiosk);

        // The nonce belongs to the kiosk: another kiosk may happen to use the same value.
        Kiosk other = await RegisterAsync("079");
        Assert.True((await AuthenticateAsync(Signed(other, nonce: nonce))).Succeeded);
    }

    [Fact]
    public async Task A_forged_request_does_not_spend_the_nonce()
    {
        Kiosk kiosk = await RegisterAsync("079");
        const string nonce = "forged-00000000000000001";

        HttpRequest forged = Signed(kiosk, nonce: nonce, secret: KioskSignature.NewSecret());
        ProblemDetailsOf(await AuthenticateAsync(forged), 401, "kiosk-signature-invalid", kiosk);

        Assert.True((await AuthenticateAsync(Signed(kiosk, nonce: nonce))).Succeeded);
    }

    [Fact]
    public async Task A_signature_with_the_wrong_key_or_over_other_content_is_invalid()
    {
        Kiosk kiosk = await RegisterAsync("079");

        ProblemDetailsOf(await AuthenticateAsync(Signed(kiosk, secret: KioskSignature.NewSecret())), 401, "kiosk-signature-invalid", kiosk);
        ProblemDetailsOf(await AuthenticateAsync(Signed(kiosk), Encoding.UTF8.GetBytes("{}")), 401, "kiosk-signature-invalid", kiosk);

        HttpRequest otherPath = Signed(kiosk);
        otherPath.Path = ApplicationsPath + "/0123/events/approval-decision";
        ProblemDetailsOf(await AuthenticateAsync(otherPath), 401, "kiosk-signature-invalid", kiosk);

        HttpRequest addedQuery = Signed(kiosk);
        addedQuery.QueryString = new QueryString("?draft=1");
        ProblemDetailsOf(await AuthenticateAsync(addedQuery), 401, "kiosk-signature-invalid", kiosk);

        HttpRequest otherMethod = Signed(kiosk);
        otherMethod.Method = "PUT";
        ProblemDetailsOf(await AuthenticateAsync(otherMethod), 401, "kiosk-signature-invalid", kiosk);
    }

    [Fact]
    public async Task An_unknown_kiosk_is_invalid_and_reads_like_a_bad_signature()
    {
        var stranger = new Kiosk("never-registered-" + Guid.NewGuid().ToString("N")[..8], "079", null, KioskStatus.Active, false, KioskSignature.NewSecret());
        Kiosk known = await RegisterAsync("079");

        string unknownDetail = ProblemDetailsOf(await AuthenticateAsync(Signed(stranger)), 401, "kiosk-signature-invalid", stranger);
        string wrongKeyDetail = ProblemDetailsOf(
            await AuthenticateAsync(Signed(known, secret: KioskSignature.NewSecret())), 401, "kiosk-signature-invalid", known);
        Assert.Equal(wrongKeyDetail, unknownDetail);
    }

    [Fact]
    public async Task A_disabled_kiosk_is_forbidden_until_enabled_again()
    {
        Kiosk kiosk = await RegisterAsync("079");
        Assert.True(await Registry.SetStatusAsync(kiosk.Id, KioskStatus.Disabled, CancellationToken.None));
        Assert.Equal(KioskStatus.Disabled, (await Registry.GetAsync(kiosk.Id, CancellationToken.None))!.Status);

        ProblemDetailsOf(await AuthenticateAsync(Signed(kiosk)), 403, "kiosk-disabled", kiosk);
        // Without the secret nobody learns that the kiosk is disabled.
        ProblemDetailsOf(await AuthenticateAsync(Signed(kiosk, secret: KioskSignature.NewSecret())), 401, "kiosk-signature-invalid", kiosk);

        Assert.True(await Registry.SetStatusAsync(kiosk.Id, KioskStatus.Active, CancellationToken.None));
        Assert.True((await AuthenticateAsync(Signed(kiosk))).Succeeded);
        Assert.False(await Registry.SetStatusAsync("no-such-kiosk", KioskStatus.Disabled, CancellationToken.None));
    }

    [Theory]
    [InlineData(KioskSignature.KioskIdHeader, null)]
    [InlineData(KioskSignature.TimestampHeader, null)]
    [InlineData(KioskSignature.NonceHeader, null)]
    [InlineData(KioskSignature.SignatureHeader, null)]
    [InlineData(KioskSignature.KioskIdHeader, "kiosk/with/slashes")]
    [InlineData(KioskSignature.TimestampHeader, "2025-07-01T08:30:00Z")]
    [InlineData(KioskSignature.TimestampHeader, "-1751358600")]
    [InlineData(KioskSignature.TimestampHeader, "1751358600000000")]
    [InlineData(KioskSignature.NonceHeader, "short")]
    [InlineData(KioskSignature.NonceHeader, "nonce/with/a/slash/inside")]
    [InlineData(KioskSignature.SignatureHeader, "not base64 at all")]
    [InlineData(KioskSignature.SignatureHeader, "c2hvcnQ=")]
    public async Task Missing_or_malformed_headers_are_refused_naming_the_header(string header, string? value)
    {
        Kiosk kiosk = await RegisterAsync("079");
        HttpRequest request = Signed(kiosk);
        request.Headers.Remove(header);
        if (value is not null)
        {
            request.Headers[header] = value;
        }

        KioskAuthentication result = await AuthenticateAsync(request);

        string detail = ProblemDetailsOf(result, 401, "kiosk-signature-missing", kiosk);
        Assert.Contains(header + " (", detail, StringComparison.Ordinal);
        Assert.Contains("KioskSignature", request.HttpContext.Response.Headers.WWWAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_header_sent_twice_is_malformed()
    {
        Kiosk kiosk = await RegisterAsync("079");
        HttpRequest request = Signed(kiosk);
        request.Headers.Append(KioskSignature.NonceHeader, KioskSignature.NewNonce());

        ProblemDetailsOf(await AuthenticateAsync(request), 401, "kiosk-signature-missing", kiosk);
    }

    [Fact]
    public async Task The_raw_request_target_is_what_was_signed_when_the_server_has_it()
    {
        Kiosk kiosk = await RegisterAsync("079");
        const string target = ApplicationsPath + "?note=a%20b&x=%C3%A1";
        HttpRequest request = Signed(kiosk, pathAndQuery: target);
        request.HttpContext.Features.Get<IHttpRequestFeature>()!.RawTarget = target;
        request.Path = "/somewhere/else"; // as a rewrite would leave it: the raw target still wins

        Assert.Equal(target, KioskRequestAuthenticator.PathAndQueryAsSent(request));
        Assert.True((await AuthenticateAsync(request)).Succeeded);
    }

    [Fact]
    public async Task A_fixed_kiosk_submits_only_for_its_own_province_and_a_mobile_one_anywhere()
    {
        Kiosk fixedKiosk = (await AuthenticateAsync(Signed(await RegisterAsync("079")))).Kiosk!;
        Kiosk mobileKiosk = (await AuthenticateAsync(Signed(await RegisterAsync("001", mobile: true)))).Kiosk!;

        Assert.True(KioskArea.Allows(fixedKiosk, "079"));
        Assert.False(KioskArea.Allows(fixedKiosk, "001"));
        Assert.True(KioskArea.Allows(mobileKiosk, "001"));
        Assert.True(KioskArea.Allows(mobileKiosk, "079"));
        Assert.True(KioskArea.Allows(mobileKiosk, "048"));
        Assert.False(KioskArea.Allows(mobileKiosk, "000"));
        Assert.False(KioskArea.Allows(fixedKiosk, "79"));
        Assert.Contains("known province", ((ProblemHttpResult)KioskArea.Refused(mobileKiosk, "000")).ProblemDetails.Detail, StringComparison.Ordinal);

        var refused = Assert.IsType<ProblemHttpResult>(KioskArea.Refused(fixedKiosk, "001"));
        Assert.Equal(403, refused.StatusCode);
        Assert.Equal(Problems.TypePrefix + "kiosk-area", refused.ProblemDetails.Type);
        Assert.Contains("province 079", refused.ProblemDetails.Detail, StringComparison.Ordinal);
        Assert.Contains("001 (Hà Nội)", refused.ProblemDetails.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(fixedKiosk.Secret, refused.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_hands_out_the_secret_once_and_checks_the_province()
    {
        string id = NewKioskId();
        Kiosk first = (await Registry.RegisterAsync(id, "048", " 20194 ", mobile: false, CancellationToken.None))!;
        Assert.Equal(new Kiosk(id, "048", "20194", KioskStatus.Active, false, first.Secret), first);
        Assert.Equal(32, KioskSignature.DecodeSecret(first.Secret).Length);
        Assert.DoesNotContain(first.Secret, first.ToString(), StringComparison.Ordinal);

        Assert.Null(await Registry.RegisterAsync(id, "079", null, mobile: true, CancellationToken.None));
        Assert.Equal(first, await Registry.GetAsync(id, CancellationToken.None));

        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterAsync(NewKioskId(), "000", null, false, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterAsync(NewKioskId(), "79", null, false, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterAsync("bad/id", "079", null, false, CancellationToken.None));
        Assert.Null(await Registry.GetAsync("bad/id", CancellationToken.None));
    }

    [Fact]
    public async Task The_signing_handler_signs_real_HttpClient_requests_that_the_server_accepts()
    {
        Kiosk kiosk = await RegisterAsync("079");
        var server = new AuthenticatingHandler(Authenticator);
        using var http = new HttpClient(new KioskSigningHandler(kiosk.Id, kiosk.Secret, clock) { InnerHandler = server })
        {
            BaseAddress = new Uri("http://kiosk-gateway.test"),
        };
        var submission = new { type = "new", applicant = new { fullName = "Trần Thị Hạnh" } };

        using HttpResponseMessage posted = await http.PostAsJsonAsync(new Uri(ApplicationsPath + "?source=kiosk&note=a%20b", UriKind.Relative), submission);
        using HttpResponseMessage again = await http.PostAsJsonAsync(new Uri(ApplicationsPath, UriKind.Relative), submission);
        using HttpResponseMessage read = await http.GetAsync(new Uri(ApplicationsPath + "/0123456789abcdef0123456789abcdef", UriKind.Relative));

        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.NoContent, HttpStatusCode.NoContent], new[] { posted.StatusCode, again.StatusCode, read.StatusCode });
        Assert.Equal(3, server.Seen.Count);
        Assert.All(server.Seen, seen => Assert.Equal(kiosk.Id, seen.Caller!.Principal));
        using JsonContent expected = JsonContent.Create(submission);
        Assert.Equal(await expected.ReadAsByteArrayAsync(), server.Bodies[0]);
        Assert.Equal("/api/v1/applications?source=kiosk&note=a%20b", server.Targets[0]);
        Assert.Equal(Start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), server.Timestamps[0]);
        Assert.Equal(3, server.Nonces.Distinct(StringComparer.Ordinal).Count());

        // Time moves on: the handler signs with the clock at sending, so the server still accepts.
        clock.Advance(TimeSpan.FromHours(1));
        using HttpResponseMessage later = await http.PostAsJsonAsync(new Uri(ApplicationsPath, UriKind.Relative), submission);
        Assert.Equal(HttpStatusCode.NoContent, later.StatusCode);
    }

    [Fact]
    public void The_signing_handler_refuses_a_malformed_id_or_secret_without_echoing_the_secret()
    {
        string secret = KioskSignature.NewSecret();
        Assert.Throws<ArgumentException>(() => new KioskSigningHandler("bad id", secret));
        ArgumentException e = Assert.Throws<ArgumentException>(() => new KioskSigningHandler("kiosk-1", secret[..20]));
        Assert.DoesNotContain(secret[..20], e.Message, StringComparison.Ordinal);
    }

    /// <summary>The server side of the handler test: turns the request into an ASP.NET Core request as Kestrel would
    /// and authenticates it.</summary>
    sealed class AuthenticatingHandler(KioskRequestAuthenticator authenticator) : HttpMessageHandler
    {
        public List<KioskAuthentication> Seen { get; } = [];

        public List<byte[]> Bodies { get; } = [];

        public List<string> Targets { get; } = [];

        public List<string> Timestamps { get; } = [];

        public List<string> Nonces { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage message, CancellationToken cancellationToken)
        {
            byte[] body = message.Content is null ? [] : await message.Content.ReadAsByteArrayAsync(cancellationToken);
            var context = new DefaultHttpContext();
            HttpRequest request = context.Request;
            request.Method = message.Method.Method;
            request.Path = PathString.FromUriComponent(message.RequestUri!.AbsolutePath);
            request.QueryString = QueryString.FromUriComponent(message.RequestUri.Query);
            context.Features.Get<IHttpRequestFeature>()!.RawTarget = message.RequestUri.PathAndQuery;
            foreach ((string name, IEnumerable<string> values) in message.Headers)
            {
                request.Headers[name] = values.ToArray();
            }

            request.Body = new MemoryStream(body);
            KioskAuthentication result = await authenticator.AuthenticateAsync(request, body, cancellationToken);
            Seen.Add(result);
            Bodies.Add(body);
            Targets.Add(KioskRequestAuthenticator.PathAndQueryAsSent(request));
            Timestamps.Add(request.Headers[KioskSignature.TimestampHeader].ToString());
            Nonces.Add(request.Headers[KioskSignature.NonceHeader].ToString());
            return new HttpResponseMessage(result.Succeeded
                ? HttpStatusCode.NoContent
                : (HttpStatusCode)((IStatusCodeHttpResult)result.Denied).StatusCode!.Value);
        }
    }

    static string NewKioskId() => "kiosk-" + Guid.NewGuid().ToString("N")[..12];

    async Task<Kiosk> RegisterAsync(string provinceCode, bool mobile = false) =>
        await Registry.RegisterAsync(NewKioskId(), provinceCode, null, mobile, CancellationToken.None)
        ?? throw new InvalidOperationException("A fresh kiosk id was already registered.");

    /// <summary>A request to <paramref name="pathAndQuery"/> signed now (or at <paramref name="timestamp"/>) with the
    /// kiosk's secret (or another).</summary>
    HttpRequest Signed(
        Kiosk kiosk, long? timestamp = null, string? nonce = null, string? secret = null, byte[]? body = null,
        string method = "POST", string pathAndQuery = ApplicationsPath)
    {
        long signedAt = timestamp ?? clock.GetUtcNow().ToUnixTimeSeconds();
        string usedNonce = nonce ?? KioskSignature.NewNonce();
        byte[] content = body ?? Body;
        var context = new DefaultHttpContext();
        HttpRequest request = context.Request;
        request.Method = method;
        int query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        request.Path = PathString.FromUriComponent(query < 0 ? pathAndQuery : pathAndQuery[..query]);
        request.QueryString = query < 0 ? QueryString.Empty : QueryString.FromUriComponent(pathAndQuery[query..]);
        request.Headers[KioskSignature.KioskIdHeader] = kiosk.Id;
        request.Headers[KioskSignature.TimestampHeader] = signedAt.ToString(CultureInfo.InvariantCulture);
        request.Headers[KioskSignature.NonceHeader] = usedNonce;
        request.Headers[KioskSignature.SignatureHeader] =
            KioskSignature.Compute(secret ?? kiosk.Secret, method, pathAndQuery, signedAt, usedNonce, content);
        request.Body = new MemoryStream(content);
        return request;
    }

    Task<KioskAuthentication> AuthenticateAsync(HttpRequest request, byte[]? body = null) =>
        Authenticator.AuthenticateAsync(request, body ?? ReadBody(request), CancellationToken.None);

    static byte[] ReadBody(HttpRequest request) => ((MemoryStream)request.Body).ToArray();

    /// <summary>Asserts the refusal's status and type and that its detail never carries the kiosk's secret; returns the detail.</summary>
    static string ProblemDetailsOf(KioskAuthentication result, int status, string slug, Kiosk kiosk)
    {
        Assert.False(result.Succeeded);
        Assert.Null(result.Caller);
        var problem = Assert.IsType<ProblemHttpResult>(result.Denied);
        Assert.Equal(status, problem.StatusCode);
        Assert.Equal(Problems.TypePrefix + slug, problem.ProblemDetails.Type);
        string detail = problem.ProblemDetails.Detail ?? "";
        Assert.NotEmpty(detail);
        Assert.DoesNotContain(kiosk.Secret, detail, StringComparison.Ordinal);
        return detail;
    }
}
