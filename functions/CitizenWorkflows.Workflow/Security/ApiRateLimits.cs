using System.Globalization;
using System.Threading.RateLimiting;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Workflow.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace CitizenWorkflows.Workflow.Security;

/// <summary>
/// Configuration section <c>RateLimits</c>: a token bucket per caller, so one misbehaving kiosk or script cannot take
/// the capacity the others need. Sizes: see docs/design.md (Security and data) for the measurement they rest on.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>Each kiosk (signed intake, or a kiosk's API key).</summary>
    public BucketOptions Kiosk { get; set; } = new() { PermitsPerSecond = 10, Burst = 100 };

    /// <summary>Each partner system (print centre, courier, biometric matcher): callbacks for every card, answered a
    /// batch at a time.</summary>
    public BucketOptions Partner { get; set; } = new() { PermitsPerSecond = 200, Burst = 1000 };

    /// <summary>Each other authenticated principal (an officer, a supervisor).</summary>
    public BucketOptions Principal { get; set; } = new() { PermitsPerSecond = 50, Burst = 200 };

    /// <summary>Each client address without credentials (refused requests, the dashboard's static files).</summary>
    public BucketOptions Anonymous { get; set; } = new() { PermitsPerSecond = 20, Burst = 100 };
}

/// <summary>One token bucket: refilled by <see cref="PermitsPerSecond"/>, holding at most <see cref="Burst"/>.</summary>
public sealed class BucketOptions
{
    public int PermitsPerSecond { get; set; }

    public int Burst { get; set; }
}

/// <summary>
/// The per-caller limiter both hosts apply after authentication and before authorization (which reads storage): the
/// Local host through ASP.NET Core's rate-limiting middleware, the Functions app through <see cref="ApiGate"/>.
/// </summary>
public static class ApiRateLimits
{
    /// <summary>Partitioned by the authenticated principal; a signed kiosk request (verified later, over its body) by
    /// the kiosk id it names and its address.</summary>
    public static PartitionedRateLimiter<HttpContext> Create(RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return PartitionedRateLimiter.Create<HttpContext, string>(_ => RateLimitPartition.GetNoLimiter(""));
        }

        return PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            string address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            if (CallerClaims.FromPrincipal(context.User) is { } caller)
            {
                return caller.Role switch
                {
                    Roles.Kiosk => Bucket("kiosk:" + caller.Principal, options.Kiosk),
                    Roles.PrintCentre or Roles.Courier or Roles.BiometricMatcher => Bucket("partner:" + caller.Principal, options.Partner),
                    _ => Bucket("principal:" + caller.Principal, options.Principal),
                };
            }

            // The signature can only be checked once the body is read; keying by id and address keeps a forger
            // elsewhere from spending a real kiosk's budget.
            return context.Request.Headers[KioskSignature.KioskIdHeader] is [{ } kioskId] && KioskSignature.IsWellFormedKioskId(kioskId)
                ? Bucket($"kiosk:{kioskId}@{address}", options.Kiosk)
                : Bucket("anonymous:" + address, options.Anonymous);
        });
    }

    static RateLimitPartition<string> Bucket(string key, BucketOptions bucket) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(1, bucket.Burst),
            TokensPerPeriod = Math.Max(1, bucket.PermitsPerSecond),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    /// <summary>The 429 <c>rate-limited</c> problem with <c>Retry-After</c> (whole seconds, at least 1).</summary>
    public static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        HttpContext context = rejected.HttpContext;
        int seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.Status(StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests",
                $"This caller sent more requests than its limit allows; send again after {seconds} s (Retry-After).")
            .ExecuteAsync(context);
    }
}
