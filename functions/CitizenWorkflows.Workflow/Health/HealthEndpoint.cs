using CitizenWorkflows.Workflow.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CitizenWorkflows.Workflow.Health;

/// <summary>
/// <c>GET /api/v1/health/live</c> (the process answers) and <c>GET /api/v1/health/ready</c> (every check tagged
/// <see cref="HealthServices.Ready"/> passes: storage reachable, the runtime started, the portrait models loaded).
/// Anonymous, as platform probes are; the answer names checks and their state, never data.
/// </summary>
public sealed class HealthEndpoint(HealthCheckService checks)
{
    public static IResult Live() => Results.Json(new HealthAnswer("Healthy", []), statusCode: StatusCodes.Status200OK);

    public async Task<IResult> ReadyAsync(CancellationToken cancellationToken)
    {
        HealthReport report = await checks.CheckHealthAsync(c => c.Tags.Contains(HealthServices.Ready), cancellationToken);
        HealthCheckState[] states = [.. report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new HealthCheckState(e.Key, e.Value.Status.ToString(), e.Value.Description))];
        if (report.Status == HealthStatus.Healthy)
        {
            return Results.Json(new HealthAnswer(report.Status.ToString(), states));
        }

        string failing = string.Join(", ", states.Where(s => s.Status != nameof(HealthStatus.Healthy)).Select(s => s.Name));
        return Problems.Status(StatusCodes.Status503ServiceUnavailable, "not-ready", "Not ready",
            $"Checks not passing: {failing}.", new Dictionary<string, object?> { ["checks"] = states });
    }
}

/// <summary>The health answer: overall status and each check's.</summary>
public sealed record HealthAnswer(string Status, IReadOnlyList<HealthCheckState> Checks);

public sealed record HealthCheckState(string Name, string Status, string? Description);
