using System.CommandLine;
using System.Diagnostics;
using CitizenWorkflows.Seeding;
using CitizenWorkflows.Tools;

// dotnet tools/CitizenWorkflows.Seeding/bin/Release/net10.0/CitizenWorkflows.Seeding.dll --help
var connection = new Option<string>("--connection-string")
{
    Description = "The storage to seed and measure (Azurite or Azure); an empty account: the sizes count from zero.",
    Required = true,
};
var sizes = CommandOptions.IntList("--sizes", "Seed up to each size in turn (comma-separated) and measure the reads at each.", [1000], min: 1);
var port = CommandOptions.Int("--port", "The port of the Local host the measurements run in (in this process).", 7081, min: 1);
var hub = new Option<string>("--task-hub") { Description = "The task hub of that host.", DefaultValueFactory = _ => "SeedingHub" };
var contention = CommandOptions.IntList(
    "--counter-contention", "Instead of seeding: changes/s one counter row takes with each number of writers (comma-separated).", null, min: 1);
var seconds = CommandOptions.Int("--seconds", "How long each --counter-contention step runs.", 10, min: 1);
var pollCosts = CommandOptions.IntList(
    "--poll-costs", "Instead of seeding: what the dispatcher's and a batch closer's idle pass cost with each number of sent notifications and printed cards (comma-separated), beside the flagged layout's filters.", null, min: 1);
var root = new RootCommand(
    "Seeds the projection through its own write path up to each size and measures the operators' reads and the sweeps at that "
    + "size (storage requests and wall time per call); or measures one counter row's contention.")
{
    connection, sizes, port, hub, contention, seconds, pollCosts,
};
root.SetAction(async (result, cancellationToken) =>
{
    string storage = result.GetValue(connection)!;
    if (result.GetValue(contention) is { Length: > 0 } writers)
    {
        foreach (CounterContention.Figure f in await CounterContention.RunAsync(storage, writers, TimeSpan.FromSeconds(result.GetValue(seconds)), cancellationToken))
        {
            Console.WriteLine($"{f.Writers,3} writers  {f.Changes,7} changes in {f.Elapsed.TotalSeconds,5:F1} s  {f.ChangesPerSecond,7:F1} changes/s on one row  {f.RequestsPerChange,5:F2} requests/change");
        }

        return 0;
    }

    if (result.GetValue(pollCosts) is { Length: > 0 } finished)
    {
        foreach (PollCosts.Figure f in await PollCosts.RunAsync(storage, finished, Console.WriteLine, cancellationToken))
        {
            Console.WriteLine($"{f.Finished,9:N0}  {f.Pass,-42} {f.Requests,5} requests {f.Median.TotalMilliseconds,9:F1} ms (median of 5)");
        }

        return 0;
    }

    await using ReadCosts costs = await ReadCosts.StartAsync(storage, result.GetValue(hub)!, result.GetValue(port), cancellationToken);
    int seeded = 0;
    foreach (int size in result.GetValue(sizes)!.Order())
    {
        var watch = Stopwatch.StartNew();
        await costs.SeedAsync(seeded, size - seeded, null, cancellationToken);
        Console.WriteLine($"seeded {size - seeded} applications (to {size}) in {watch.Elapsed.TotalSeconds:F0} s");
        seeded = size;
        foreach (CallCost cost in await costs.MeasureAsync(cancellationToken))
        {
            Console.WriteLine($"{size,9:N0}  {cost.Call,-52} {cost.Requests,6} requests {cost.Elapsed.TotalMilliseconds,9:F0} ms");
        }
    }

    return 0;
});

return await CommandLineRun.InvokeAsync(root.Parse(args), Console.Out, Console.Error);
