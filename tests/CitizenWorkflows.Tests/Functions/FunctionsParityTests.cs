using System.Text.Json;
using CitizenWorkflows.Local;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Lifecycle;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CitizenWorkflows.Tests.Functions;

/// <summary>
/// The Functions app cannot be run here (no Core Tools), so its generated <c>functions.metadata</c> is held against the
/// single sources of truth — <see cref="WorkflowCatalog"/>, <see cref="ApiRoutes"/> and <see cref="PolledTriggers"/> — and
/// against the routes the Local host actually maps and the pollers it runs (<see cref="LocalPollers"/>), in both directions.
/// </summary>
public class FunctionsParityTests
{
    [Fact]
    public async Task Functions_app_Local_host_and_catalog_declare_the_same_functions_and_routes()
    {
        IReadOnlyList<FunctionDeclaration> functions = FunctionsParity.ReadMetadata(MetadataPath);
        IReadOnlyList<HttpEndpointDeclaration> local = await LocalEndpointsAsync();

        IReadOnlyList<string> problems = FunctionsParity.Compare(
            WorkflowCatalog.Orchestrators.Keys, WorkflowCatalog.Activities.Keys, ApiRoutes.All, functions, local, PolledTriggers.All, LocalPollers.All.Keys);

        Assert.True(problems.Count == 0, $"{MetadataPath}:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");

        // Guard against a vacuous pass: every side actually declared something.
        Assert.Equal(WorkflowCatalog.Orchestrators.Count + WorkflowCatalog.Activities.Count + ApiRoutes.All.Count + PolledTriggers.All.Count, functions.Count);
        Assert.Equal(ApiRoutes.All.Count, local.Count);
        Assert.Equal(PolledTriggers.All.Count, LocalPollers.All.Count);
    }

    [Fact]
    public async Task The_comparison_reports_a_function_missing_from_the_metadata()
    {
        IReadOnlyList<FunctionDeclaration> functions = FunctionsParity.ReadMetadata(MetadataPath);
        IReadOnlyList<HttpEndpointDeclaration> local = await LocalEndpointsAsync();
        string removedActivity = WorkflowCatalog.Activities.Keys.First();
        string removedRoute = ApiRoutes.All[0].Name;

        IReadOnlyList<string> problems = FunctionsParity.Compare(
            WorkflowCatalog.Orchestrators.Keys,
            WorkflowCatalog.Activities.Keys,
            ApiRoutes.All,
            [.. functions.Where(f => f.Name != removedActivity && f.Name != removedRoute)],
            local,
            PolledTriggers.All,
            LocalPollers.All.Keys);

        Assert.Equal(2, problems.Count);
        Assert.Contains($"Activity '{removedActivity}' (WorkflowCatalog.Activities) has no function in functions.metadata", problems);
        Assert.Contains(problems, p => p.StartsWith($"HTTP endpoint '{removedRoute}'", StringComparison.Ordinal)
            && p.Contains("missing from functions.metadata", StringComparison.Ordinal));
    }

    [Fact]
    public void The_comparison_reports_extra_functions_wrong_triggers_and_routes_that_disagree()
    {
        FunctionDeclaration[] functions =
        [
            new("CardApplication", FunctionsParity.ActivityTrigger, null, []),
            new("RecordTransition", FunctionsParity.ActivityTrigger, null, []),
            new("Leftover", FunctionsParity.ActivityTrigger, null, []),
            new("SubmitApplication", FunctionsParity.HttpTrigger, "v1/applications", ["post"]),
            new("GetApplication", FunctionsParity.HttpTrigger, "v1/applications/{id}", ["get", "head"]),
        ];
        HttpEndpointDeclaration[] local =
        [
            new("SubmitApplication", "v1/applications", ["POST"]),
            new("GetApplication", "v1/applications/{applicationId}", ["GET"]),
            new("Debug", "v1/debug", ["GET"]),
        ];
        ApiRoute[] routes = [new("SubmitApplication", "POST", "v1/applications", ApiTags.Intake), new("GetApplication", "GET", "v1/applications/{id}", ApiTags.Intake)];

        IReadOnlyList<string> problems = FunctionsParity.Compare(["CardApplication"], ["RecordTransition"], routes, functions, local, [], []);

        Assert.Contains("Orchestrator 'CardApplication' (WorkflowCatalog.Orchestrators): its function in functions.metadata has an activityTrigger, not an orchestrationTrigger", problems);
        Assert.Contains("Function 'Leftover' in functions.metadata (activityTrigger) is not in WorkflowCatalog.Orchestrators, WorkflowCatalog.Activities or PolledTriggers.All", problems);
        Assert.Contains(
            "HTTP endpoint 'GetApplication' differs: ApiRoutes.All = GET v1/applications/{id}; functions.metadata = GET,HEAD v1/applications/{id}; LocalApi = GET v1/applications/{applicationId}",
            problems);
        Assert.Contains("HTTP endpoint 'Debug' is in LocalApi but missing from ApiRoutes.All, functions.metadata", problems);
        Assert.Equal(4, problems.Count);
    }

    [Fact]
    public void The_comparison_reports_storage_triggers_that_a_host_lacks_or_declares_differently()
    {
        PolledTrigger[] polled =
        [
            new("ProcessUpload", PolledTriggers.BlobTrigger, "uploads/{name}"),
            new("Sweep", "timerTrigger", "0 */15 * * * *"),
            new("Archive", PolledTriggers.BlobTrigger, "archive/{name}"),
        ];
        FunctionDeclaration[] functions =
        [
            new("ProcessUpload", PolledTriggers.BlobTrigger, null, [], "uploads/{name}"),
            new("Sweep", PolledTriggers.BlobTrigger, null, [], "sweep/{name}"),
            new("Stray", "queueTrigger", null, [], "stray"),
        ];

        IReadOnlyList<string> problems = FunctionsParity.Compare([], [], [], functions, [], polled, ["ProcessUpload", "Sweep", "Ghost"]);

        Assert.Contains("Storage trigger 'Sweep' differs: PolledTriggers.All = timerTrigger 0 */15 * * * *; functions.metadata = blobTrigger sweep/{name}", problems);
        Assert.Contains("Storage trigger 'Archive' (PolledTriggers.All) has no function in functions.metadata", problems);
        Assert.Contains("Storage trigger 'Archive' (PolledTriggers.All) has no poller in LocalPollers.All", problems);
        Assert.Contains("Poller 'Ghost' in LocalPollers.All is not in PolledTriggers.All", problems);
        Assert.Contains("Function 'Stray' in functions.metadata (queueTrigger) is not in WorkflowCatalog.Orchestrators, WorkflowCatalog.Activities or PolledTriggers.All", problems);
        Assert.Equal(5, problems.Count);
    }

    internal static string MetadataPath => Path.Combine(
        RepoPaths.Root, "functions", "CitizenWorkflows.Functions", "bin", RepoPaths.Configuration, "net10.0", "functions.metadata");

    /// <summary>The routes the Local host maps, read from a bare app: nothing is started, no handler runs.</summary>
    static async Task<IReadOnlyList<HttpEndpointDeclaration>> LocalEndpointsAsync()
    {
        await using WebApplication app = LocalRoutes.BareApp();
        LocalApi.Map(app);

        var endpoints = new List<HttpEndpointDeclaration>();
        foreach (RouteEndpoint endpoint in LocalRoutes.Endpoints(app))
        {
            string pattern = endpoint.RoutePattern.RawText?.TrimStart('/') ?? "";
            string prefix = ApiRoutes.Prefix + "/";
            endpoints.Add(new HttpEndpointDeclaration(
                endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? $"(unnamed: {endpoint.DisplayName})",
                pattern.StartsWith(prefix, StringComparison.Ordinal) ? pattern[prefix.Length..] : "/" + pattern,
                [.. endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []]));
        }

        return endpoints;
    }
}

/// <summary>The Local host's routes read from a bare app: its services registered, nothing started, no handler run.</summary>
static class LocalRoutes
{
    public static WebApplication BareApp()
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();

        // The handlers' services must be registered so their parameters are not inferred as request bodies.
        builder.Configuration["Storage:ConnectionString"] = "UseDevelopmentStorage=true";
        builder.Services.AddCitizenWorkflows(builder.Configuration);
        builder.Services.AddSingleton<DurableTaskClient>(_ => throw new NotSupportedException("Only route metadata is read."));
        return builder.Build();
    }

    public static IEnumerable<RouteEndpoint> Endpoints(WebApplication app) =>
        ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>();
}

/// <summary>One function in <c>functions.metadata</c>: its name, trigger binding type, for HTTP route and methods, for
/// blobs the path.</summary>
sealed record FunctionDeclaration(string Name, string Trigger, string? Route, IReadOnlyList<string> Methods, string? Path = null);

/// <summary>One endpoint the Local host maps: its endpoint name, route without the <c>api/</c> prefix, and methods.</summary>
sealed record HttpEndpointDeclaration(string Name, string Route, IReadOnlyList<string> Methods);

/// <summary>The parity rules, separate from where the declarations come from so they can be fed synthetic input.</summary>
static class FunctionsParity
{
    public const string OrchestrationTrigger = "orchestrationTrigger";
    public const string ActivityTrigger = "activityTrigger";
    public const string HttpTrigger = "httpTrigger";

    const string Catalog = "ApiRoutes.All";
    const string Metadata = "functions.metadata";
    const string Local = "LocalApi";
    const string Polled = "PolledTriggers.All";
    const string Pollers = "LocalPollers.All";

    public static IReadOnlyList<FunctionDeclaration> ReadMetadata(string path)
    {
        Assert.True(File.Exists(path), $"{path} does not exist: build functions/CitizenWorkflows.Functions in the same configuration first.");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        var functions = new List<FunctionDeclaration>();
        foreach (JsonElement function in document.RootElement.EnumerateArray())
        {
            string name = function.GetProperty("name").GetString() ?? "";
            JsonElement[] triggers = [.. function.GetProperty("bindings").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString()?.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) == true)];
            Assert.True(triggers.Length == 1, $"Function '{name}' in {Metadata} has {triggers.Length} trigger bindings, expected one.");
            JsonElement trigger = triggers[0];
            functions.Add(new FunctionDeclaration(
                name,
                trigger.GetProperty("type").GetString()!,
                trigger.TryGetProperty("route", out JsonElement route) ? route.GetString() : null,
                trigger.TryGetProperty("methods", out JsonElement methods) ? [.. methods.EnumerateArray().Select(m => m.GetString() ?? "")] : [],
                trigger.TryGetProperty("path", out JsonElement blobPath) ? blobPath.GetString()
                    : trigger.TryGetProperty("schedule", out JsonElement schedule) ? schedule.GetString()
                    : trigger.TryGetProperty("queueName", out JsonElement queue) ? queue.GetString()
                    : null));
        }

        return functions;
    }

    /// <summary>
    /// Every disagreement between the catalogs, the Functions metadata and the Local host's routes and pollers, worded
    /// by side. Storage triggers (<paramref name="polled"/>) must be in the metadata with the same trigger and path, and
    /// run by a Local poller (<paramref name="localPollers"/>).
    /// </summary>
    public static IReadOnlyList<string> Compare(
        IEnumerable<string> orchestrators,
        IEnumerable<string> activities,
        IEnumerable<ApiRoute> routes,
        IReadOnlyList<FunctionDeclaration> functions,
        IReadOnlyList<HttpEndpointDeclaration> localEndpoints,
        IEnumerable<PolledTrigger> polled,
        IEnumerable<string> localPollers)
    {
        var problems = new List<string>();
        var orchestratorNames = new HashSet<string>(orchestrators, StringComparer.Ordinal);
        var activityNames = new HashSet<string>(activities, StringComparer.Ordinal);
        Dictionary<string, PolledTrigger> polledByName = polled.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var pollerNames = new HashSet<string>(localPollers, StringComparer.Ordinal);

        foreach (IGrouping<string, FunctionDeclaration> twice in functions.GroupBy(f => f.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"Function '{twice.Key}' is declared {twice.Count()} times in {Metadata}");
        }

        Dictionary<string, FunctionDeclaration> byName = functions
            .GroupBy(f => f.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        CheckDurable("Orchestrator", "WorkflowCatalog.Orchestrators", orchestratorNames, OrchestrationTrigger, byName, problems);
        CheckDurable("Activity", "WorkflowCatalog.Activities", activityNames, ActivityTrigger, byName, problems);

        foreach (FunctionDeclaration function in functions.Where(f => f.Trigger != HttpTrigger))
        {
            if (!orchestratorNames.Contains(function.Name) && !activityNames.Contains(function.Name) && !polledByName.ContainsKey(function.Name))
            {
                problems.Add($"Function '{function.Name}' in {Metadata} ({function.Trigger}) is not in WorkflowCatalog.Orchestrators, WorkflowCatalog.Activities or {Polled}");
            }
        }

        // Storage triggers: declared once, present in the metadata as declared, and polled by the Local host.
        foreach (PolledTrigger trigger in polledByName.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (!byName.TryGetValue(trigger.Name, out FunctionDeclaration? function))
            {
                problems.Add($"Storage trigger '{trigger.Name}' ({Polled}) has no function in {Metadata}");
            }
            else if (function.Trigger != trigger.Trigger || function.Path != trigger.Path)
            {
                problems.Add($"Storage trigger '{trigger.Name}' differs: {Polled} = {trigger.Trigger} {trigger.Path}; {Metadata} = {function.Trigger} {function.Path}");
            }

            if (!pollerNames.Contains(trigger.Name))
            {
                problems.Add($"Storage trigger '{trigger.Name}' ({Polled}) has no poller in {Pollers}");
            }
        }

        foreach (string poller in pollerNames.Where(p => !polledByName.ContainsKey(p)).Order(StringComparer.Ordinal))
        {
            problems.Add($"Poller '{poller}' in {Pollers} is not in {Polled}");
        }

        // HTTP: three sides that must agree name by name on route and methods.
        var sides = new (string Side, ILookup<string, string> Shapes)[]
        {
            (Catalog, routes.ToLookup(r => r.Name, r => Shape([r.Method], r.Route), StringComparer.Ordinal)),
            (Metadata, functions.Where(f => f.Trigger == HttpTrigger).ToLookup(f => f.Name, f => Shape(f.Methods, f.Route), StringComparer.Ordinal)),
            (Local, localEndpoints.ToLookup(e => e.Name, e => Shape(e.Methods, e.Route), StringComparer.Ordinal)),
        };
        foreach (string name in sides.SelectMany(s => s.Shapes.Select(g => g.Key)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            string[] present = [.. sides.Where(s => s.Shapes.Contains(name)).Select(s => s.Side)];
            string[] missing = [.. sides.Where(s => !s.Shapes.Contains(name)).Select(s => s.Side)];
            if (missing.Length > 0)
            {
                problems.Add($"HTTP endpoint '{name}' is in {string.Join(", ", present)} but missing from {string.Join(", ", missing)}");
            }

            foreach ((string side, ILookup<string, string> shapes) in sides.Where(s => s.Shapes[name].Count() > 1))
            {
                problems.Add($"HTTP endpoint '{name}' is declared {shapes[name].Count()} times in {side}");
            }

            if (sides.Where(s => s.Shapes.Contains(name)).Select(s => s.Shapes[name].First()).Distinct(StringComparer.Ordinal).Count() > 1)
            {
                problems.Add($"HTTP endpoint '{name}' differs: " + string.Join("; ",
                    sides.Where(s => s.Shapes.Contains(name)).Select(s => $"{s.Side} = {s.Shapes[name].First()}")));
            }
        }

        return problems;
    }

    static void CheckDurable(
        string kind, string source, HashSet<string> names, string trigger, Dictionary<string, FunctionDeclaration> functions, List<string> problems)
    {
        foreach (string name in names.Order(StringComparer.Ordinal))
        {
            if (!functions.TryGetValue(name, out FunctionDeclaration? function))
            {
                problems.Add($"{kind} '{name}' ({source}) has no function in {Metadata}");
            }
            else if (function.Trigger != trigger)
            {
                problems.Add($"{kind} '{name}' ({source}): its function in {Metadata} has an {function.Trigger}, not an {trigger}");
            }
        }
    }

    /// <summary>Methods (upper case, sorted) and route, e.g. <c>POST v1/applications</c>.</summary>
    static string Shape(IEnumerable<string> methods, string? route) =>
        $"{string.Join(",", methods.Select(m => m.ToUpperInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))} {route ?? "(no route)"}";
}
