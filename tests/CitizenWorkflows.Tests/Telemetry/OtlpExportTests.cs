using System.Collections.Concurrent;
using System.Net;
using CitizenWorkflows.Tests.Support;

namespace CitizenWorkflows.Tests.Telemetry;

/// <summary>
/// The Local host (a child process) exporting over OTLP/HTTP to a collector stand-in that answers only where a collector
/// does: each signal arrives as protobuf at its own path, as the OpenTelemetry Collector's OTLP receiver expects them.
/// </summary>
public sealed class OtlpExportTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    static readonly string[] SignalPaths = ["/v1/traces", "/v1/metrics", "/v1/logs"];

    [Fact]
    public async Task Traces_metrics_and_logs_reach_the_collectors_signal_paths_over_http_protobuf()
    {
        int port = FreePorts.Take(1)[0];
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = new ConcurrentDictionary<string, string>();
        using var stop = new CancellationTokenSource();
        Task receiving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext request;
                try
                {
                    request = await collector.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                string path = request.Request.Url!.AbsolutePath;
                received[path] = request.Request.ContentType ?? "";
                await request.Request.InputStream.CopyToAsync(Stream.Null);
                // A collector has no other route: anything else is a 404, which the exporter reports and drops.
                request.Response.StatusCode = SignalPaths.Contains(path) ? 200 : 404;
                request.Response.Close();
            }
        });

        await using (LocalHostProcess host = await LocalHostProcess.StartAsync(azurite, "OtlpHub", new Dictionary<string, string>
        {
            ["Telemetry:OtlpEndpoint"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["Logging:LogLevel:Default"] = "Information",
        }))
        {
            using HttpClient officer = host.Client(CitizenWorkflows.Workflow.Security.Roles.Operator);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline && !SignalPaths.All(received.ContainsKey))
            {
                // Requests make server spans, request metrics and log lines.
                using HttpResponseMessage _ = await officer.GetAsync(new Uri("/api/v1/application-counts", UriKind.Relative));
                await Task.Delay(250);
            }
        }

        await stop.CancelAsync();
        collector.Stop();
        await receiving;

        Assert.All(SignalPaths, path => Assert.True(received.ContainsKey(path), $"nothing exported to {path}; requests arrived at: {string.Join(", ", received.Keys)}"));
        Assert.All(received, r => Assert.Contains(r.Key, SignalPaths));
        Assert.All(received.Values, contentType => Assert.Equal("application/x-protobuf", contentType));
    }
}
