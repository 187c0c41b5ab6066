using System.Text.Json;
using System.Text.RegularExpressions;
using CitizenWorkflows.Local;
using CitizenWorkflows.Tests.Functions;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace CitizenWorkflows.Tests.Http;

/// <summary>
/// The hand-kept contract (docs/openapi.json) against the code that serves it, in both directions: every endpoint the
/// Local host maps is an operation of the document and every operation is a mapped endpoint; each operation's security
/// is its route's rule (<see cref="RouteRules"/>: kiosk signature, API key, or none); its path parameters are the
/// route's; its refusals (401, 403, 429) are listed where the rule can refuse; its tag is the route's area.
/// </summary>
public sealed partial class OpenApiContractTests : IAsyncLifetime
{
    static readonly string[] KioskHeaders = ["X-Kiosk-Id", "X-Kiosk-Timestamp", "X-Kiosk-Nonce"];

    readonly JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Root, "docs", "openapi.json")));
    WebApplication app = null!;

    public Task InitializeAsync()
    {
        app = LocalRoutes.BareApp();
        LocalApi.Map(app);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        document.Dispose();
        await app.DisposeAsync();
    }

    JsonElement Root => document.RootElement;

    IEnumerable<(string Path, string Method, JsonElement Operation)> Operations() =>
        from path in Root.GetProperty("paths").EnumerateObject()
        from method in path.Value.EnumerateObject()
        select (path.Name, method.Name.ToUpperInvariant(), method.Value);

    IEnumerable<(string Name, string Path, string Method)> MappedEndpoints() =>
        from endpoint in LocalRoutes.Endpoints(app)
        let name = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName
        where name is not null
        from method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []
        select (name, endpoint.RoutePattern.RawText!.TrimEnd('/'), method);

    [Fact]
    public void Every_mapped_endpoint_is_an_operation_and_every_operation_is_mapped()
    {
        var documented = Operations().Select(o => (o.Operation.GetProperty("operationId").GetString()!, o.Path, o.Method)).ToHashSet();
        var mapped = MappedEndpoints().ToHashSet();

        Assert.Equal(ApiRoutes.All.Count, mapped.Count);
        Assert.Empty(mapped.Except(documented));
        Assert.Empty(documented.Except(mapped));
    }

    [Fact]
    public void Each_operation_s_security_is_its_route_s_rule()
    {
        string[] globalSchemes = Schemes(Root.GetProperty("security"));
        JsonElement declared = Root.GetProperty("components").GetProperty("securitySchemes");
        var problems = new List<string>();
        foreach ((string path, string method, JsonElement operation) in Operations())
        {
            string name = operation.GetProperty("operationId").GetString()!;
            RouteRule rule = RouteRules.For(name);
            string[] schemes = operation.TryGetProperty("security", out JsonElement own) ? Schemes(own) : globalSchemes;
            string[] expected = rule.Access switch
            {
                RouteAccess.Anonymous => [],
                RouteAccess.KioskSignature => ["kioskSignature"],
                _ => ["bearer", "apiKey"],
            };
            if (!schemes.SequenceEqual(expected))
            {
                problems.Add($"{method} {path} ({name}): security [{string.Join(", ", schemes)}], rule says {rule.Access} [{string.Join(", ", expected)}]");
            }

            problems.AddRange(schemes.Where(s => !declared.TryGetProperty(s, out _)).Select(s => $"{name}: scheme '{s}' is not declared"));
            if (rule.Access == RouteAccess.KioskSignature)
            {
                string[] headers = [.. Parameters(operation).Where(p => p.In == "header" && p.Required).Select(p => p.Name)];
                problems.AddRange(KioskHeaders.Except(headers).Select(h => $"{name}: kiosk-signed, but header {h} is not a required parameter"));
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.Equal("X-Kiosk-Signature", declared.GetProperty("kioskSignature").GetProperty("name").GetString());
    }

    [Fact]
    public void Each_operation_lists_the_refusals_its_rule_can_give()
    {
        var problems = new List<string>();
        foreach ((string path, string method, JsonElement operation) in Operations())
        {
            RouteRule rule = RouteRules.For(operation.GetProperty("operationId").GetString()!);
            // Every caller is rate limited; an authenticated route also refuses the unauthenticated and the wrong role or area.
            string[] refusals = rule.Access == RouteAccess.Anonymous ? ["429"] : ["401", "403", "429"];
            string[] listed = [.. operation.GetProperty("responses").EnumerateObject().Select(r => r.Name)];
            problems.AddRange(refusals.Except(listed).Select(code => $"{method} {path}: no {code} response"));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Each_operation_s_path_parameters_are_its_route_s()
    {
        var problems = new List<string>();
        foreach ((string path, string method, JsonElement operation) in Operations())
        {
            string[] inRoute = [.. RouteParameter().Matches(path).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal)];
            string[] declared = [.. Parameters(operation).Where(p => p.In == "path").Select(p => p.Name).Order(StringComparer.Ordinal)];
            if (!inRoute.SequenceEqual(declared))
            {
                problems.Add($"{method} {path}: route parameters [{string.Join(", ", inRoute)}], documented [{string.Join(", ", declared)}]");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Each_operation_has_its_route_s_tag_and_every_tag_is_described()
    {
        string[] described = [.. Root.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];
        var problems = new List<string>();
        foreach ((string path, string method, JsonElement operation) in Operations())
        {
            ApiRoute route = ApiRoutes.All.Single(r => r.Name == operation.GetProperty("operationId").GetString());
            string[] tags = operation.TryGetProperty("tags", out JsonElement t) ? [.. t.EnumerateArray().Select(e => e.GetString()!)] : [];
            if (!tags.SequenceEqual([route.Tag]))
            {
                problems.Add($"{method} {path}: tags [{string.Join(", ", tags)}], route's area is {route.Tag}");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.Equal(ApiRoutes.All.Select(r => r.Tag).Distinct().Order(StringComparer.Ordinal), described.Order(StringComparer.Ordinal));
    }

    static string[] Schemes(JsonElement requirements) =>
        [.. requirements.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name))];

    IEnumerable<(string Name, string In, bool Required)> Parameters(JsonElement operation)
    {
        if (!operation.TryGetProperty("parameters", out JsonElement parameters))
        {
            yield break;
        }

        foreach (JsonElement parameter in parameters.EnumerateArray())
        {
            JsonElement resolved = parameter.TryGetProperty("$ref", out JsonElement reference) ? Resolve(reference.GetString()!) : parameter;
            yield return (resolved.GetProperty("name").GetString()!, resolved.GetProperty("in").GetString()!,
                resolved.TryGetProperty("required", out JsonElement required) && required.GetBoolean());
        }
    }

    JsonElement Resolve(string reference)
    {
        JsonElement at = Root;
        foreach (string segment in reference.TrimStart('#', '/').Split('/'))
        {
            at = at.GetProperty(segment);
        }

        return at;
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex RouteParameter();
}
