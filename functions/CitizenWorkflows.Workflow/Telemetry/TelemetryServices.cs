using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CitizenWorkflows.Workflow.Telemetry;

/// <summary>
/// Traces, metrics and logs out through OpenTelemetry when an exporter is configured: OTLP
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>Telemetry:OtlpEndpoint</c>, any collector) and/or Azure Monitor
/// (<c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>, Entra ID authentication with the app's managed identity). Without
/// one, no OpenTelemetry SDK is registered: the instruments and activity sources have no listener and cost nothing.
/// </summary>
public static class TelemetryServices
{
    public static IServiceCollection AddWorkflowTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // Every log line inside a span carries its trace and span ids (a scope), exporter or not: a console line can be
        // looked up in the trace. Without a listener no span exists, so this costs nothing then.
        services.Configure<LoggerFactoryOptions>(o => o.ActivityTrackingOptions |= ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        // The instruments themselves (WorkflowMetrics, IMeterFactory) come with AddCitizenWorkflows; this adds exporters only.
        string? otlp = FirstSet(configuration["Telemetry:OtlpEndpoint"], configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        string? azureMonitor = FirstSet(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        if (otlp is null && azureMonitor is null)
        {
            return services;
        }

        // In Azure the managed identity is the credential (Application Insights has local authentication off).
        TokenCredential? credential = azureMonitor is null ? null
            : string.Equals(configuration["Storage:Credential"], "managedidentity", StringComparison.OrdinalIgnoreCase)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new DefaultAzureCredential();
        void AzureMonitor(AzureMonitorExporterOptions o)
        {
            o.ConnectionString = azureMonitor;
            o.Credential = credential;
        }

        // OTLP over HTTP posts each signal to its own path under the collector's address (/v1/traces, /v1/metrics,
        // /v1/logs), but the SDK adds the path only to an address it read itself; one set here is used as it is.
        // gRPC (the SDK's default protocol, OTEL_EXPORTER_OTLP_PROTOCOL) takes the address alone.
        Action<OtlpExporterOptions> Otlp(string signal) => o => o.Endpoint = o.Protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(otlp!.TrimEnd('/') + "/v1/" + signal)
            : new Uri(otlp!);

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource([.. WorkflowTelemetry.TraceSources]).AddAspNetCoreInstrumentation();
                if (otlp is not null)
                {
                    tracing.AddOtlpExporter(Otlp("traces"));
                }

                if (azureMonitor is not null)
                {
                    tracing.AddAzureMonitorTraceExporter(AzureMonitor);
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(WorkflowTelemetry.Name).AddAspNetCoreInstrumentation();
                if (otlp is not null)
                {
                    metrics.AddOtlpExporter(Otlp("metrics"));
                }

                if (azureMonitor is not null)
                {
                    metrics.AddAzureMonitorMetricExporter(AzureMonitor);
                }
            });
        services.AddLogging(logging => logging.AddOpenTelemetry(options =>
        {
            // Scopes carry the application id (never personal data), so a log line joins its application's trace.
            options.IncludeScopes = true;
            if (otlp is not null)
            {
                options.AddOtlpExporter(Otlp("logs"));
            }

            if (azureMonitor is not null)
            {
                options.AddAzureMonitorLogExporter(AzureMonitor);
            }
        }));
        return services;
    }

    static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
