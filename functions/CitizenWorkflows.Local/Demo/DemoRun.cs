using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Local.Runtime;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Http;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Security;

namespace CitizenWorkflows.Local.Demo;

/// <summary>
/// <c>demo --count N</c>: submits N sample applications through the real HTTP API as a kiosk, approves them as an
/// officer, lets the simulators print, ship and deliver, and shows progress until every one has finished.
/// </summary>
public sealed class DemoRun(Uri baseAddress, LocalKiosk.Credentials kiosk, IReadOnlyList<ApiCredential> keys, TextWriter output)
{
    public async Task<int> RunAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Submissions are signed by the kiosk, exactly as a real kiosk does it (clients/CitizenWorkflows.KioskClient).
        using var kioskClient = new HttpClient(new KioskSigningHandler(kiosk.Id, kiosk.Secret) { InnerHandler = new HttpClientHandler() }) { BaseAddress = baseAddress };
        using HttpClient officer = Client(Roles.Operator);
        var samples = new SampleApplicants(seed: Environment.TickCount);
        List<ApplicationUpload> uploads = [.. Enumerable.Range(0, count).Select(_ => samples.Next(DateTimeOffset.UtcNow))];
        var clock = Stopwatch.StartNew();

        output.WriteLine($"Submitting {count} applications to {baseAddress} …");
        var ids = new List<string>();
        using (var slots = new SemaphoreSlim(8))
        {
            var submissions = uploads.Select(async upload =>
            {
                await slots.WaitAsync(cancellationToken);
                try
                {
                    using HttpResponseMessage response = await kioskClient.SubmitApplicationAsync(upload, Guid.NewGuid().ToString("N"), cancellationToken);
                    string text = await response.Content.ReadAsStringAsync(cancellationToken);
                    if (response.StatusCode != HttpStatusCode.Accepted)
                    {
                        throw new InvalidOperationException($"Submission refused ({(int)response.StatusCode}): {text}");
                    }

                    return JsonSerializer.Deserialize<SubmissionAccepted>(text, JsonSerializerOptions.Web)!.ApplicationId;
                }
                finally
                {
                    slots.Release();
                }
            });
            ids.AddRange(await Task.WhenAll(submissions));
        }

        var stages = ids.ToDictionary(id => id, _ => ApplicationStage.Received);
        var approved = new HashSet<string>();
        while (stages.Values.Any(s => !s.IsFinal()) && clock.Elapsed < timeout)
        {
            foreach (string id in stages.Where(kv => !kv.Value.IsFinal()).Select(kv => kv.Key).ToList())
            {
                ApplicationStatusResponse? status = await officer.GetFromJsonAsync<ApplicationStatusResponse>(
                    ApiRoutes.StatusUrl(id), JsonSerializerOptions.Web, cancellationToken);
                stages[id] = status!.Stage;
                if (status.WaitingFor.Contains(ApplicationEvents.ApprovalDecision) && approved.Add(id))
                {
                    using HttpResponseMessage response = await officer.PostAsJsonAsync(
                        $"{ApiRoutes.StatusUrl(id)}/events/{ApplicationEvents.ApprovalDecision}",
                        new { decision = "approve", reason = "demo: documents in order" },
                        cancellationToken);
                }
            }

            DrawProgress(stages, clock.Elapsed);
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        output.WriteLine();
        int delivered = stages.Values.Count(s => s == ApplicationStage.Delivered);
        output.WriteLine($"{delivered} of {count} delivered in {clock.Elapsed.TotalSeconds:F1} s ({delivered / clock.Elapsed.TotalSeconds:F2} lifecycles/s).");
        foreach (IGrouping<ApplicationStage, ApplicationStage> group in stages.Values.GroupBy(s => s).OrderBy(g => g.Key))
        {
            output.WriteLine($"  {group.Key,-18} {group.Count()}");
        }

        return delivered == count ? 0 : 1;
    }

    DateTime lastLine;

    void DrawProgress(Dictionary<string, ApplicationStage> stages, TimeSpan elapsed)
    {
        // On a terminal the bar redraws in place; in a log it prints a line every few seconds.
        bool terminal = !Console.IsOutputRedirected;
        if (!terminal && DateTime.UtcNow - lastLine < TimeSpan.FromSeconds(5) && stages.Values.Any(s => !s.IsFinal()))
        {
            return;
        }

        lastLine = DateTime.UtcNow;
        const int Width = 30;
        int done = stages.Values.Count(s => s.IsFinal());
        int filled = stages.Count == 0 ? Width : done * Width / stages.Count;
        string counts = string.Join(" ", stages.Values.Where(s => !s.IsFinal()).GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key}:{g.Count()}"));
        string line = $"[{new string('#', filled)}{new string('.', Width - filled)}] {done}/{stages.Count} finished  {elapsed.TotalSeconds,5:F0}s  {counts}";
        output.Write(terminal ? "\r" + line.PadRight(120) : line + Environment.NewLine);
        output.Flush();
    }

    HttpClient Client(string role)
    {
        ApiCredential key = keys.FirstOrDefault(k => k.Role == role)
            ?? throw new InvalidOperationException($"The demo needs an API key with role '{role}'.");
        var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Add(SecurityOptions.ApiKeyHeader, key.Key);
        return client;
    }
}
