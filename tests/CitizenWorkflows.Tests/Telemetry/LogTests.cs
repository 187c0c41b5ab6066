using System.Text.Json;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Security;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Telemetry;

/// <summary>
/// The logs of one lifecycle, from the Local host as a child process writing JSON lines with scopes (telemetry on, to a
/// collector that is not there): lines about the application carry its id in a scope and the trace they belong to, and
/// none carries the applicant's personal data.
/// </summary>
public sealed class LogTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task One_lifecycles_logs_name_the_application_and_its_trace_and_never_the_applicant()
    {
        await using LocalHostProcess host = await LocalHostProcess.StartAsync(azurite, "LogsHub", FastPartners.Settings(new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:Console:FormatterName"] = "json",
            ["Logging:Console:FormatterOptions:IncludeScopes"] = "true",
            // An exporter configured (nothing listens there): spans exist, so log lines carry trace and span ids.
            ["Telemetry:OtlpEndpoint"] = $"http://127.0.0.1:{FreePorts.Take(1)[0]}",
        }));
        using HttpClient kiosk = host.SignedClient(await LocalHostProcess.RegisterKioskAsync(azurite, LocalHostProcess.KioskId, "079"));
        using HttpClient officer = host.Client(Roles.Operator);

        // A renewal: the applicant's name, personal number and date of birth all travel with the application.
        Applicant applicant = Samples.NextApplicant();
        string id = (await Api.SubmitAsync(kiosk, Samples.RenewalBy(applicant))).ApplicationId;
        await host.AnswerAsync(id, officer, E.ApprovalDecision, new { decision = "approve", reason = "documents in order" });
        ApplicationStatusResponse done = await host.WaitForAsync(id, s => s.RuntimeStatus == "Completed", TimeSpan.FromMinutes(3));
        Assert.Equal(ApplicationStage.Delivered, done.Stage);

        string output = host.Output;
        LogLine[] lines = [.. output.Split('\n').Select(LogLine.Parse).OfType<LogLine>()];
        LogLine[] about = [.. lines.Where(l => l.Scopes.Any(s => s.GetValueOrDefault("ApplicationId") == id))];

        // Intake, the officer's and the partners' callbacks and the workflow itself each log under the application's scope.
        LogLine accepted = Assert.Single(about, l => l.Category.EndsWith("SubmitApplicationEndpoint", StringComparison.Ordinal));
        Assert.Contains(about, l => l.Category.EndsWith("RaiseApplicationEventEndpoint", StringComparison.Ordinal) && l.Message.Contains(E.ApprovalDecision, StringComparison.Ordinal));
        Assert.Contains(about, l => l.Category.EndsWith("CardApplicationOrchestration", StringComparison.Ordinal) && l.Message.Contains("delivered", StringComparison.Ordinal));
        LogLine[] partnerCallbacks = [.. about.Where(l => l.Category.EndsWith("RaiseApplicationEventEndpoint", StringComparison.Ordinal)
            && (l.Message.Contains(E.CardPrinted, StringComparison.Ordinal) || l.Message.Contains(E.CardPickedUp, StringComparison.Ordinal)))];
        Assert.Equal(2, partnerCallbacks.Length);

        // Correlated with the trace: the partners' callbacks log in the trace the kiosk's submission began.
        string? trace = accepted.TraceId;
        Assert.NotNull(trace);
        Assert.All(partnerCallbacks, l => Assert.Equal(trace, l.TraceId));

        // Never personal data, in any line of the whole run.
        string[] personal = [applicant.FullName, applicant.PersonalNumber!, applicant.DateOfBirth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            applicant.DateOfBirth.ToString("ddMMyyyy", System.Globalization.CultureInfo.InvariantCulture), applicant.DateOfBirth.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture)];
        foreach (string value in personal)
        {
            Assert.DoesNotContain(value, output, StringComparison.Ordinal);
            // The JSON formatter escapes non-ASCII letters: look for the escaped name too.
            Assert.DoesNotContain(JsonSerializer.Serialize(value).Trim('"'), output, StringComparison.Ordinal);
        }
    }

    /// <summary>One line of the console's JSON formatter: its category, message, scopes and the trace id in a scope.</summary>
    sealed record LogLine(string Category, string Message, IReadOnlyList<IReadOnlyDictionary<string, string?>> Scopes)
    {
        public string? TraceId => Scopes.Select(s => s.GetValueOrDefault("TraceId")).FirstOrDefault(t => t is not null);

        public static LogLine? Parse(string line)
        {
            if (!line.TrimStart().StartsWith('{'))
            {
                return null;
            }

            try
            {
                using JsonDocument json = JsonDocument.Parse(line);
                JsonElement root = json.RootElement;
                var scopes = new List<IReadOnlyDictionary<string, string?>>();
                if (root.TryGetProperty(nameof(Scopes), out JsonElement list))
                {
                    foreach (JsonElement scope in list.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object))
                    {
                        scopes.Add(scope.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.ToString()));
                    }
                }

                return new LogLine(root.GetProperty(nameof(Category)).GetString() ?? "", root.GetProperty(nameof(Message)).GetString() ?? "", scopes);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
