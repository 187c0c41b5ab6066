using System.Text.Json;
using System.Text.Json.Nodes;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Operations.Query;
using CitizenWorkflows.Workflow.Storage;

namespace CitizenWorkflows.Tests.Http;

/// <summary>
/// Pins the wire of the application row as the list (<c>GET /api/v1/applications</c>), the detail and the status
/// answer (<c>GET /api/v1/applications/{id}</c>) serialize it: property names, order and values, as the endpoints write
/// them (<see cref="JsonSerializerOptions.Web"/>), and the same names in the same order as docs/openapi.json lists them.
/// </summary>
public sealed class ApplicationRowWireTests
{
    static readonly DateTimeOffset Created = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);

    static readonly TimelineEntry[] Timeline = [new(1, ApplicationStage.Received, Created, "submitted", null)];

    const string RowJson =
        """
        "applicationId":"0123456789abcdef0123456789abcdef","stage":"Printing","type":"Renewal","province":"HN","kioskId":"kiosk-7",
        "createdAt":"2026-03-01T09:30:00+00:00","updatedAt":"2026-03-02T09:30:00+00:00","dueAt":"2026-03-11T09:30:00+00:00",
        "overdue":true,"waitingFor":["CardPrinted"],"waitDeadline":"2026-03-12T09:30:00+00:00"
        """;

    const string TimelineJson = """[{"sequence":1,"stage":"Received","at":"2026-03-01T09:30:00+00:00","cause":"submitted","detail":null}]""";

    static ApplicationSummary Row() => new()
    {
        ApplicationId = "0123456789abcdef0123456789abcdef", Stage = ApplicationStage.Printing, Type = ApplicationType.Renewal,
        Province = "HN", KioskId = "kiosk-7", CreatedAt = Created, UpdatedAt = Created.AddDays(1), DueAt = Created.AddDays(10),
        Overdue = true, WaitingFor = ["CardPrinted"], WaitDeadline = Created.AddDays(11),
    };

    static ApplicationStatusResponse Status() => new(Row(), "Running", null, Timeline);

    [Fact]
    public void The_list_item_serializes_as_before()
    {
        string json = JsonSerializer.Serialize(new ApplicationPage([Row()], null, []), JsonSerializerOptions.Web);

        Assert.Equal(Compact($$"""{"items":[{{{RowJson}}}],"continuation":null,"unreadable":[]}"""), json);
    }

    [Fact]
    public void The_status_answer_serializes_as_before_flat_with_the_row_first()
    {
        string json = JsonSerializer.Serialize(Status(), JsonSerializerOptions.Web);

        Assert.Equal(Compact($$"""{{{RowJson}},"runtimeStatus":"Running","failure":null,"timeline":{{TimelineJson}}}"""), json);
    }

    [Fact]
    public void The_detail_s_application_is_the_row_without_the_view_s_timeline()
    {
        using JsonDocument json = JsonDocument.Parse(JsonSerializer.Serialize(
            new ApplicationDetail(new ApplicationView(Row(), Timeline), Timeline, null, null, null, []), JsonSerializerOptions.Web));

        Assert.Equal(Compact($$"""{{{RowJson}}}"""), json.RootElement.GetProperty("application").GetRawText());
    }

    [Fact]
    public void The_status_answer_reads_back()
    {
        string json = JsonSerializer.Serialize(Status(), JsonSerializerOptions.Web);

        ApplicationStatusResponse back = JsonSerializer.Deserialize<ApplicationStatusResponse>(json, JsonSerializerOptions.Web)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, JsonSerializerOptions.Web));
    }

    [Fact]
    public void The_names_and_their_order_are_the_documented_ones()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Root, "docs", "openapi.json")));
        JsonElement schemas = document.RootElement.GetProperty("components").GetProperty("schemas");

        Assert.Equal(Documented(schemas, "ApplicationSummary"), Names(JsonSerializer.SerializeToNode(Row(), JsonSerializerOptions.Web)!));
        Assert.Equal(Documented(schemas, "ApplicationStatus"), Names(JsonSerializer.SerializeToNode(Status(), JsonSerializerOptions.Web)!));
    }

    static string[] Documented(JsonElement schemas, string name) =>
        [.. schemas.GetProperty(name).GetProperty("properties").EnumerateObject().Select(p => p.Name)];

    static string[] Names(JsonNode node) => [.. node.AsObject().Select(p => p.Key)];

    static string Compact(string json) => json.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
}
