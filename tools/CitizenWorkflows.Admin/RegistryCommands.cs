using System.CommandLine;
using System.Globalization;
using System.Text;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.TestData;
using CitizenWorkflows.Tools;

namespace CitizenWorkflows.Admin;

/// <summary>
/// The operator's registry commands (the leading <c>registry</c> word is optional):
/// <code>
/// registry generate --count N --seed S --out file.csv   synthetic citizens as registry CSV (count 1000, seed 1 by default)
/// registry load --file file.csv                         loads a registry CSV; bad lines are reported and skipped
/// registry show &lt;number&gt; [--details]                  whether the number is in the registry (--details: the record)
/// </code>
/// Exit codes: 0 done (show: found), 1 done with rejected lines (show: not found) or a failure, 2 usage error.
/// Everything goes to the operator's console (<paramref name="output"/>), never to a log: the data is personal.
/// </summary>
public static class RegistryCommands
{
    /// <summary>A progress line every this many data lines while loading.</summary>
    public const int ProgressInterval = 10_000;

    /// <summary>Records upserted together (then split by partition into transactions of at most 100).</summary>
    const int LoadChunk = 2_000;

    /// <summary>Rejected lines listed one by one in the summary; beyond that only counts by rule.</summary>
    const int MaxListedErrors = 50;

    /// <summary>
    /// The <c>registry generate|load|show</c> commands; <paramref name="services"/> starts the storage services only for the
    /// commands that need them.
    /// </summary>
    public static Command Command(Func<CancellationToken, Task<IServiceProvider>> services, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        var count = new Option<int>("--count") { Description = "Synthetic citizens to write.", DefaultValueFactory = _ => 1000 };
        count.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n < 0)
            {
                r.AddError("--count must not be negative");
            }
        });
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic citizens.", DefaultValueFactory = _ => 1 };
        var outFile = new Option<string>("--out") { Description = "Registry CSV file to write (replaced if it exists).", Required = true };
        var generate = new Command("generate", "Synthetic citizens as registry CSV.") { count, seed, outFile };
        generate.SetAction(r => GenerateAsync(r.GetValue(count), r.GetValue(seed), r.GetRequiredValue(outFile), output));

        var file = new Option<string>("--file") { Description = "Registry CSV file to load; bad lines are reported and skipped.", Required = true };
        var load = new Command("load", "Loads a registry CSV into the population registry.") { file };
        load.SetAction(async (r, ct) => await LoadAsync(r.GetRequiredValue(file), Registry(await services(ct)), output));

        var number = new Argument<string>("personal-number") { Description = "The 12-digit personal number." };
        var details = new Option<bool>("--details") { Description = "Prints the record (personal data, to this console only). Default: only whether it exists." };
        var show = new Command("show", "Whether a personal number is in the registry (exit code 0: found, 1: not found).") { number, details };
        show.SetAction(async (r, ct) => await ShowAsync(r.GetRequiredValue(number), r.GetValue(details), Registry(await services(ct)), output));

        return new Command("registry", "The population registry: generate synthetic citizens, load a registry CSV, look a number up.") { generate, load, show };
    }

    /// <summary>Runs <c>[registry] generate|load|show …</c> on <paramref name="services"/>; usage errors exit with 2.</summary>
    public static Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        string[] rest = args.Length > 0 && args[0] == "registry" ? args[1..] : args;
        var root = new RootCommand { Command(_ => Task.FromResult(services), output) };
        return CommandLineRun.InvokeAsync(root.Parse(["registry", .. rest]), output, output);
    }

    static async Task<int> GenerateAsync(int count, int seed, string path, TextWriter output)
    {
        await using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
        {
            RegistryCsv.Write(writer, SyntheticCitizens.Generate(seed, count));
        }

        output.WriteLine($"Wrote {count} synthetic citizens (seed {seed}) to {path}.");
        return 0;
    }

    static async Task<int> LoadAsync(string path, PopulationRegistry registry, TextWriter output)
    {
        if (!File.Exists(path))
        {
            output.WriteLine($"No such file: {path}");
            return 1;
        }

        await registry.EnsureTableAsync();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var pending = new List<CitizenRecord>(LoadChunk);
        var listed = new List<RegistryCsvError>();
        var byRule = new SortedDictionary<string, int>(StringComparer.Ordinal);
        long lines = 0;
        long loaded = 0;
        long rejected = 0;
        using (var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            foreach (RegistryCsvRow row in RegistryCsv.ReadRows(reader))
            {
                lines++;
                if (row.Record is { } record)
                {
                    pending.Add(record);
                    if (pending.Count == LoadChunk)
                    {
                        loaded += await registry.UpsertBatchAsync(pending);
                        pending.Clear();
                    }
                }
                else
                {
                    rejected++;
                    foreach (RegistryCsvError error in row.Errors)
                    {
                        string key = error.Field.Length == 0 ? error.Rule : $"{error.Field} {error.Rule}";
                        byRule[key] = byRule.GetValueOrDefault(key) + 1;
                        if (listed.Count < MaxListedErrors)
                        {
                            listed.Add(error);
                        }
                    }
                }

                if (lines % ProgressInterval == 0)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"… {lines:N0} lines read, {loaded + pending.Count:N0} valid, {rejected:N0} rejected ({started.Elapsed.TotalSeconds:F0} s)"));
                }
            }
        }

        if (pending.Count > 0)
        {
            loaded += await registry.UpsertBatchAsync(pending);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Loaded {loaded:N0} citizens from {lines:N0} lines of {path} in {started.Elapsed.TotalSeconds:F1} s; rejected {rejected:N0} lines."));
        if (rejected > 0)
        {
            output.WriteLine("Rejected by rule:");
            foreach ((string rule, int count) in byRule)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {count,8:N0}  {rule}"));
            }

            output.WriteLine(listed.Count < byRule.Values.Sum() ? $"First {listed.Count} problems:" : "Problems:");
            foreach (RegistryCsvError error in listed)
            {
                output.WriteLine($"  {error}");
            }
        }

        return rejected == 0 ? 0 : 1;
    }

    static async Task<int> ShowAsync(string personalNumber, bool details, PopulationRegistry registry, TextWriter output)
    {
        string number = personalNumber.Trim();
        IReadOnlyList<RuleViolation> violations = PersonalNumber.Validate(number);
        if (violations.Count > 0)
        {
            output.WriteLine($"'{number}' is not a personal number: {string.Join("; ", violations.Select(v => $"{v.Rule} ({v.Message})"))}");
            return 2;
        }

        CitizenRecord? record = details ? await registry.GetAsync(number) : null;
        bool exists = details ? record is not null : await registry.ExistsAsync(number);
        output.WriteLine(exists ? $"{number}: in the registry." : $"{number}: not in the registry.");
        if (record is not null)
        {
            // The operator asked for the record on their console; it is never written to a log.
            IReadOnlyList<string?> values = RegistryCsv.Fields(record);
            for (int i = 0; i < RegistryCsv.Columns.Count; i++)
            {
                output.WriteLine($"  {RegistryCsv.Columns[i],-20} {values[i] ?? "(none)"}");
            }
        }

        return exists ? 0 : 1;
    }

    static PopulationRegistry Registry(IServiceProvider services) =>
        (PopulationRegistry?)services.GetService(typeof(PopulationRegistry))
        ?? Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<PopulationRegistry>(services);
}
