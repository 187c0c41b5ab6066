using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Approval;
using CitizenWorkflows.Workflow.Delivery;
using CitizenWorkflows.Workflow.Delivery.Shipments;
using CitizenWorkflows.Workflow.Lifecycle;
using CitizenWorkflows.Workflow.Orchestration;
using CitizenWorkflows.Workflow.Orchestration.Batches;
using CitizenWorkflows.Workflow.Production.PrintBatches;
using CitizenWorkflows.Workflow.Storage;
using Xunit.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using E = CitizenWorkflows.Workflow.Orchestration.ApplicationEvents;

namespace CitizenWorkflows.Tests.Production;

/// <summary>
/// Hundreds of whole workflows (the real orchestration and activities, in-memory backend, storage on Azurite) approved
/// at once: every card lands in exactly one print batch and, once printed, in exactly one shipment, with closers racing.
/// </summary>
public sealed class ApprovedAtOnceTests(InMemoryWorkflowFixture workflow, ITestOutputHelper output) : IClassFixture<InMemoryWorkflowFixture>
{
    /// <summary>
    /// 100 in the everyday suite; <c>APPROVED_AT_ONCE=500</c> asks for the 500, which did not reach the approvals
    /// within the 10-minute waits on two cores (the portrait checks, serialised per process, set the pace, not batching).
    /// </summary>
    static readonly int Applications = int.TryParse(Environment.GetEnvironmentVariable("APPROVED_AT_ONCE"), out int count) && count > 0 ? count : 100;

    [Fact]
    public async Task Applications_approved_at_once_are_each_in_exactly_one_print_batch_and_one_shipment()
    {
        // Nobody is in the population registry, so every application waits for an officer.
        string[] ids = new string[Applications];
        await Parallel.ForEachAsync(Enumerable.Range(0, Applications), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => ids[i] = await workflow.StartAsync(new WorkflowPolicy(), Samples.NextApplicant()));
        await EachAsync(ids, id => workflow.WaitUntilWaitingForAsync(id, E.ApprovalDecision, TimeSpan.FromMinutes(10)));

        await Task.WhenAll(ids.Select(id => workflow.RaiseWhenWaitingAsync(
            id, E.ApprovalDecision, new ApprovalDecision(ApprovalVerdict.Approve, "documents in order", "officer-bulk"))));
        await EachAsync(ids, id => workflow.WaitUntilWaitingForAsync(id, E.CardPrinted, TimeSpan.FromMinutes(10)));

        // Three closers race over the print backlog.
        string centre = workflow.Service<Microsoft.Extensions.Options.IOptions<PrintBatchOptions>>().Value.DefaultCentre;
        List<CardBatch> printBatches = await CloseRacingAsync<PrintBatchCloser>(
            workflow.Service<PrintBacklog>(), centre, new FixedOptions<PrintBatchOptions>(new PrintBatchOptions { MaxCards = 40, MaxWait = TimeSpan.Zero }));
        AssertEachInExactlyOne(ids, printBatches);

        // The print centre reports every card of every batch printed; each card then waits for its shipment.
        await Parallel.ForEachAsync(printBatches.SelectMany(b => b.Cards), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (card, _) => await workflow.RaiseWhenWaitingAsync(card.ApplicationId, E.CardPrinted, new PartnerCallback("PJ", null, null, "print-centre-test", card.Attempt)));
        await EachAsync(ids, id => workflow.WaitUntilWaitingForAsync(id, E.CardPickedUp, TimeSpan.FromMinutes(10)));

        List<CardBatch> shipments = await CloseRacingAsync<ShipmentCloser>(
            workflow.Service<ShipmentBacklog>(), "station-kiosk-test", new FixedOptions<ShipmentOptions>(new ShipmentOptions { MaxCards = 40, MaxWait = TimeSpan.Zero }));
        AssertEachInExactlyOne(ids, shipments);

        // Where the time went (for whoever finds this test slow): the mean time spent in each stage, from the timelines.
        var spent = new Dictionary<string, List<double>>();
        foreach (string id in ids.Take(50))
        {
            ApplicationView view = (await workflow.Service<ApplicationProjection>().GetAsync(id, default))!;
            foreach ((TimelineEntry from, TimelineEntry to) in view.Timeline.Zip(view.Timeline.Skip(1)))
            {
                (spent.TryGetValue(from.Stage.ToString(), out List<double>? list) ? list : spent[from.Stage.ToString()] = []).Add((to.At - from.At).TotalSeconds);
            }
        }

        output.WriteLine(string.Join(", ", spent.Select(s => FormattableString.Invariant($"{s.Key} {s.Value.Average():F1} s"))));
    }

    /// <summary>Runs three closers of the kind at once (every batch due now: 40 cards, or fewer at the end); returns
    /// the group's batches.</summary>
    async Task<List<CardBatch>> CloseRacingAsync<TCloser>(CardBacklog backlog, string group, object options)
        where TCloser : BatchCloser
    {
        // A workflow records its wait just before it dispatches the order: wait until every card has joined the backlog.
        for (DateTime until = DateTime.UtcNow.AddMinutes(5); (await backlog.WaitingAsync(group, default)).Count < Applications; await Task.Delay(500))
        {
            Assert.True(DateTime.UtcNow < until, $"Not every card joined the {group} backlog.");
        }

        TCloser[] closers = [.. Enumerable.Range(0, 3).Select(_ => ActivatorUtilities.CreateInstance<TCloser>(workflow.Host.Services, options))];
        int[] closed = await Task.WhenAll(closers.Select(c => c.CloseDueBatchesAsync(default)));
        Assert.Empty(await backlog.WaitingAsync(group, default));
        List<CardBatch> batches = await AsyncItems.AllAsync(backlog.BatchesAsync(group, default));
        Assert.Equal(closed.Sum(), batches.Count);
        Assert.All(batches, b => Assert.InRange(b.Cards.Count, 1, CardBacklog.MaxBatchCards));
        return batches;
    }

    static void AssertEachInExactlyOne(string[] ids, List<CardBatch> batches)
    {
        var held = batches.SelectMany(b => b.Cards.Select(c => c.ApplicationId)).ToList();
        Assert.Equal(Applications, held.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), held.Order(StringComparer.Ordinal));
    }

    /// <summary>Waits for each in turn: the later ones have usually got there meanwhile, and 500 pollers at once would
    /// swamp two cores.</summary>
    static async Task EachAsync(IEnumerable<string> ids, Func<string, Task> wait)
    {
        foreach (string id in ids)
        {
            await wait(id);
        }
    }
}
