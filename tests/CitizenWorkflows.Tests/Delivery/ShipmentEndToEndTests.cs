using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using CitizenWorkflows.KioskClient;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Delivery.Shipments;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Intake;
using CitizenWorkflows.Workflow.Notifications;
using CitizenWorkflows.Workflow.Operations;
using CitizenWorkflows.Workflow.Security;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Delivery;

/// <summary>
/// Shipping and delivery end to end on Azurite, the courier and the station officer played over HTTP: cards grouped
/// into shipments per destination, picked up, in transit, collected at the station; a posted card re-delivered and,
/// after the last failed delivery, returned to the station.
/// </summary>
public sealed class ShipmentEndToEndTests(AzuriteFixture azurite) : EndToEndTest(azurite, "ShipmentHub", new Dictionary<string, string>
{
    ["Workflow:MaxDeliveryAttempts"] = "2",
    // A shipment closes as soon as two cards wait for it, or after a minute.
    ["Shipments:MaxCards"] = "2",
    ["Shipments:MaxWait"] = "00:01:00",
    ["Notifications:PollInterval"] = "00:00:00.500",
})
{
    [Fact]
    public async Task Cards_for_one_station_travel_in_one_shipment_and_are_handed_over_there()
    {
        string[] ids = await Task.WhenAll(PrintedAsync(delivery: null), PrintedAsync(delivery: "station"));

        // One shipment to the kiosk's station holds both cards; its manifest references the card data, nothing personal.
        (string name, JsonElement manifest) = await ManifestHoldingAsync($"station-{LocalHostProcess.KioskId}/", ids[0]);
        Assert.Equal(ids.Order(StringComparer.Ordinal), manifest.GetProperty("cards").EnumerateArray().Select(c => c.GetProperty("applicationId").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("Station", manifest.GetProperty("method").GetString());
        Assert.DoesNotContain(Samples.Residence, manifest.GetRawText(), StringComparison.Ordinal);
        Assert.True(await Azurite.Blobs.GetBlobContainerClient(ShipmentCloser.ManifestContainer).GetBlobClient(name.Replace(".json", ".csv", StringComparison.Ordinal)).ExistsAsync());

        foreach (string id in ids)
        {
            await Host.AnswerAsync(id, Courier, E.CardPickedUp, new { reference = "VN-STATION", attempt = 1 });
            await Host.AnswerAsync(id, Courier, E.CardInTransit, new { });
            await Host.AnswerAsync(id, Courier, E.CardAtStation, new { });
            // At the station the officer hands the card over; the courier's part ended when the card arrived.
            using (HttpResponseMessage courierHandingOver = await Api.RaiseAsync(Courier, id, E.CardCollected, new { recipient = "someone" }))
            {
                Assert.Equal(HttpStatusCode.Forbidden, courierHandingOver.StatusCode);
            }

            await Host.AnswerAsync(id, Officer, E.CardCollected, new { recipient = "applicant in person, identity checked" });
        }

        foreach (string id in ids)
        {
            ApplicationStatusResponse done = await Host.WaitForAsync(id, s => s.RuntimeStatus == "Completed");
            Assert.Equal(
                [ApplicationStage.Printed, ApplicationStage.Printed, ApplicationStage.Shipped, ApplicationStage.Shipped, ApplicationStage.InTransit,
                 ApplicationStage.AtStation, ApplicationStage.AtStation, ApplicationStage.Delivered],
                done.Timeline.SkipWhile(t => t.Stage != ApplicationStage.Printed).Select(t => t.Stage));
            Assert.Contains(done.Timeline, t => t.Detail == "Collect order 1 of 1 sent to police station");
            Assert.Equal("officer-hn-042", done.Timeline[^1].Cause);
            await CitizenNotices.AssertToldAsync(Azurite, id, NotificationKind.Approved, NotificationKind.CardReady, NotificationKind.ReadyForCollection, NotificationKind.Delivered);
        }
    }

    [Fact]
    public async Task A_posted_card_is_re_delivered_and_after_the_last_failure_returned_to_the_station_for_collection()
    {
        string id = await PrintedAsync(delivery: "address");
        await ManifestHoldingAsync("address-079/", id);

        await Host.AnswerAsync(id, Courier, E.CardPickedUp, new { reference = "VN-HOME", attempt = 1 });
        await Host.AnswerAsync(id, Courier, E.CardInTransit, new { });
        await Host.AnswerAsync(id, Courier, E.CardDeliveryFailed, new { reason = "nobody at home" });
        await Host.WaitForAsync(id, s => s.Timeline.Any(t => t.Detail == "Deliver order 2 of 2 sent to courier"));
        await Host.AnswerAsync(id, Courier, E.CardDeliveryFailed, new { reason = "address not found", attempt = 2 });
        await Host.WaitForAsync(id, s => s.Timeline.Any(t => t.Detail == "Return order 1 of 2 sent to courier"));
        await Host.AnswerAsync(id, Courier, E.CardAtStation, new { attempt = 1 });
        await Host.AnswerAsync(id, Officer, E.CardCollected, new { recipient = "applicant in person, identity checked" });

        ApplicationStatusResponse done = await Host.WaitForAsync(id, s => s.RuntimeStatus == "Completed");
        Assert.Equal(ApplicationStage.Delivered, done.Stage);
        string[] details = [.. done.Timeline.Select(t => t.Detail ?? "")];
        Assert.Contains("courier reported Deliver order 1 failed: nobody at home", details);
        Assert.Contains("courier reported Deliver order 2 failed: address not found", details);
        Assert.Contains(done.Timeline, t => t.Stage == ApplicationStage.AtStation && t.Cause == "courier-vnpost");
        await CitizenNotices.AssertToldAsync(Azurite, id, NotificationKind.Approved, NotificationKind.CardReady, NotificationKind.ReadyForCollection, NotificationKind.Delivered);
    }

    [Fact]
    public async Task An_unknown_delivery_choice_is_refused_naming_the_field()
    {
        ApplicationUpload upload = Samples.NewApplicant(Samples.NextApplicant().FullName, "1990-01-01", null, delivery: "drone");
        using HttpResponseMessage response = await Kiosk.SubmitApplicationAsync(upload, Guid.NewGuid().ToString("N"));
        JsonElement problem = await Api.AssertProblemAsync(response, HttpStatusCode.UnprocessableEntity, "validation");
        Assert.Equal(["delivery.allowed"], Api.RulesFor(problem, "delivery"));
    }

    /// <summary>A new applicant's card, approved and printed: it waits for a shipment.</summary>
    async Task<string> PrintedAsync(string? delivery)
    {
        // A person of their own: no test's applicant may look like a duplicate of another's.
        string id = (await Api.SubmitAsync(Kiosk, Samples.NewApplicant(Samples.NextApplicant().FullName, "1988-06-01", null, delivery: delivery))).ApplicationId;
        await Host.AnswerAsync(id, Officer, E.ApprovalDecision, new { decision = "approve", reason = "documents in order" });
        await Host.AnswerAsync(id, PrintCentre, E.CardPrinted, new { reference = "PJ-1" });
        await Host.WaitForAsync(id, s => s.WaitingFor.Contains(E.CardPickedUp));
        return id;
    }

    /// <summary>The shipment manifest under <paramref name="prefix"/> that lists <paramref name="applicationId"/>, once
    /// it is written.</summary>
    async Task<(string Name, JsonElement Manifest)> ManifestHoldingAsync(string prefix, string applicationId)
    {
        BlobContainerClient container = Azurite.Blobs.GetBlobContainerClient(ShipmentCloser.ManifestContainer);
        for (DateTime until = DateTime.UtcNow.AddMinutes(2); DateTime.UtcNow < until; await Task.Delay(500))
        {
            await foreach (Azure.Storage.Blobs.Models.BlobItem blob in container.GetBlobsAsync(
                Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, default))
            {
                if (blob.Name.EndsWith(".json", StringComparison.Ordinal))
                {
                    JsonElement manifest = JsonSerializer.Deserialize<JsonElement>((await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
                    if (manifest.GetProperty("cards").EnumerateArray().Any(c => c.GetProperty("applicationId").GetString() == applicationId))
                    {
                        return (blob.Name, manifest);
                    }
                }
            }
        }

        throw new TimeoutException($"No shipment under {prefix} lists {applicationId}.");
    }

}
