using System.Diagnostics;
using System.Globalization;
using CitizenWorkflows.Seeding;

// dotnet tools/CitizenWorkflows.Seeding/bin/Release/net10.0/CitizenWorkflows.Seeding.dll
//   --connection-string "<Azurite or Azure>" --sizes 1000,10000,100000 [--port 7081] [--task-hub SeedingHub]
//   or --connection-string "<…>" --counter-contention 1,2,4,8,16,32 [--seconds 10]: changes/s one counter row takes (CounterContention)
// Seeds up to each size (through the projection's write path, in batches) and measures the operators' reads and the
// sweeps at that size: storage requests and wall time per call. Run it against an empty storage account.
string? connection = null;
int[] sizes = [1000];
int port = 7081;
string hub = "SeedingHub";
int[]? contention = null;
int seconds = 10;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--connection-string": connection = args[i + 1]; break;
        case "--sizes": sizes = [.. args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
        case "--port": port = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--task-hub": hub = args[i + 1]; break;
        case "--counter-contention": contention = [.. args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
        case "--seconds": seconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"Unknown option {args[i]}"); return 2;
    }
}

if (connection is null)
{
    Console.Error.WriteLine("Usage: --connection-string <storage> [--sizes 1000,10000,100000] [--port 7081] [--task-hub SeedingHub]");
    return 2;
}

if (contention is not null)
{
    foreach (CounterContention.Figure f in await CounterContention.RunAsync(connection, contention, TimeSpan.FromSeconds(seconds), CancellationToken.None))
    {
        Console.WriteLine($"{f.Writers,3} writers  {f.Changes,7} changes in {f.Elapsed.TotalSeconds,5:F1} s  {f.ChangesPerSecond,7:F1} changes/s on one row  {f.RequestsPerChange,5:F2} requests/change");
    }

    return 0;
}

await using ReadCosts costs = await ReadCosts.StartAsync(connection, hub, port, CancellationToken.None);
int seeded = 0;
foreach (int size in sizes.Order())
{
    var watch = Stopwatch.StartNew();
    await costs.SeedAsync(seeded, size - seeded, null, CancellationToken.None);
    Console.WriteLine($"seeded {size - seeded} applications (to {size}) in {watch.Elapsed.TotalSeconds:F0} s");
    seeded = size;
    foreach (CallCost cost in await costs.MeasureAsync(CancellationToken.None))
    {
        Console.WriteLine($"{size,9:N0}  {cost.Call,-52} {cost.Requests,6} requests {cost.Elapsed.TotalMilliseconds,9:F0} ms");
    }
}

return 0;
