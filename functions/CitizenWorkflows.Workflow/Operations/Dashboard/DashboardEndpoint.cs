using System.Collections.Frozen;
using System.Security.Cryptography;
using CitizenWorkflows.Workflow.Http;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Workflow.Operations.Dashboard;

/// <summary>
/// <c>GET /api/dashboard</c> and its script and style (<c>/api/dashboard/{asset}</c>): the operators' page, static
/// files embedded in this assembly and served the same by both hosts, and <c>sign-in.json</c> (<see
/// cref="DashboardSignInOptions"/>). Deliberately anonymous: the shell holds no data; everything it shows comes from
/// the API with the token the operator signs in for. A strict Content-Security-Policy allows only these files, the API
/// and the OpenID provider.
/// </summary>
public static class DashboardEndpoint
{
    static readonly CompositeFormat ContentSecurityPolicy = CompositeFormat.Parse(
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'{0}; img-src 'self' data:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");

    /// <summary>Where the page learns its provider and client id.</summary>
    public const string SignInSettings = "sign-in.json";

    const string Page = "dashboard.html";

    static readonly FrozenDictionary<string, Asset> Assets = new Dictionary<string, Asset>(StringComparer.Ordinal)
    {
        [Page] = Load(Page, "text/html; charset=utf-8"),
        ["dashboard.js"] = Load("dashboard.js", "text/javascript; charset=utf-8"),
        ["dashboard.css"] = Load("dashboard.css", "text/css; charset=utf-8"),
        ["chart.umd.js"] = Load("chart.umd.js", "text/javascript; charset=utf-8"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IResult Handle(HttpRequest request, string? asset)
    {
        ArgumentNullException.ThrowIfNull(request);
        DashboardSignInOptions signIn = request.HttpContext.RequestServices.GetRequiredService<IOptions<DashboardSignInOptions>>().Value;
        if (asset == SignInSettings)
        {
            request.HttpContext.Response.Headers.CacheControl = "no-cache";
            return Results.Json(new { signIn.Authority, signIn.ClientId, signIn.Scope }, JsonSerializerOptions.Web);
        }

        if (!Assets.TryGetValue(asset ?? Page, out Asset? file))
        {
            return Problems.Status(StatusCodes.Status404NotFound, "not-found", "No such file", $"The dashboard has no file '{asset}'.");
        }

        IHeaderDictionary headers = request.HttpContext.Response.Headers;
        // The page fetches the provider's discovery document and token endpoint: that origin too, when it is another.
        headers.ContentSecurityPolicy = string.Format(CultureInfo.InvariantCulture, ContentSecurityPolicy,
            Uri.TryCreate(signIn.Authority, UriKind.Absolute, out Uri? authority) ? " " + authority.GetLeftPart(UriPartial.Authority) : "");
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidated on every load (cheap with the ETag) so a deployment is seen at once.
        headers.CacheControl = "no-cache";
        headers.ETag = file.ETag;
        return request.Headers.IfNoneMatch == file.ETag
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(file.Content, file.ContentType);
    }

    static Asset Load(string name, string contentType)
    {
        using Stream stream = typeof(DashboardEndpoint).Assembly.GetManifestResourceStream("dashboard/" + name)
            ?? throw new InvalidOperationException($"dashboard/{name} is not embedded in the Workflow assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        byte[] content = copy.ToArray();
        return new Asset(content, contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 16))}\"");
    }

    sealed record Asset(byte[] Content, string ContentType, string ETag);
}
