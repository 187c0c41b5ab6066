using System.Globalization;
using System.Text;
using CitizenWorkflows.Workflow.Domain;
using CitizenWorkflows.Workflow.Registry;
using CitizenWorkflows.TestData;

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

    const string Usage = """
        usage: registry generate --count N --seed S --out file.csv
               registry load --file file.csv
               registry show <personal-number> [--details]
        """;

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(output);
        string[] rest = args.Length > 0 && args[0] == "registry" ? args[1..] : args;
        try
        {
            return rest.Length == 0
                ? UsageError(output, "a command is required")
                : rest[0] switch
                {
                    "generate" => await GenerateAsync(Options.Parse(rest[1..]), output),
                    "load" => await LoadAsync(Options.Parse(rest[1..]), Registry(services), output),
                    "show" => await ShowAsync(Options.Parse(rest[1..]), Registry(services), output),
                    _ => UsageError(output, $"unknown command '{rest[0]}'"),
                };
        }
        catch (UsageException e)
        {
            return UsageError(output, e.Message);
        }
    }

    static async Task<int> GenerateAsync(Options options, TextWriter output)
    {
        int count = options.Int("--count", 1000);
        int seed = options.Int("--seed", 1);
        string path = options.Required("--out");
        options.Finish(0);
        if (count < 0)
        {
            throw new UsageException("--count must not be negative");
        }

        await using (var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
        {
            RegistryCsv.Write(writer, SyntheticCitizens.Generate(seed, count));
        }

        output.WriteLine($"Wrote {count} synthetic citizens (seed {seed}) to {path}.");
        return 0;
    }

    static async Task<int> LoadAsync(Options options, PopulationRegistry registry, TextWriter output)
    {
        string path = options.Required("--file");
        options.Finish(0);
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

    static async Task<int> ShowAsync(Options options, PopulationRegistry registry, TextWriter output)
    {
        bool details = options.Flag("--details");
        string number = options.Finish(1, "<personal-number>")[0].Trim();
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

    static int UsageError(TextWriter output, string problem)
    {
        output.WriteLine($"registry: {problem}");
        output.WriteLine(Usage);
        return 2;
    }

    sealed class UsageException(string message) : Exception(message);

    /// <summary><c>--name value</c> options, <c>--flag</c> switches and positional words; anything left unread is a usage error.</summary>
    sealed class Options
    {
        readonly Dictionary<string, string?> named = new(StringComparer.Ordinal);
        readonly List<string> positional = [];

        public static Options Parse(string[] args)
        {
            var options = new Options();
            for (int i = 0; i < args.Length; i++)
            {
                if (args[i].StartsWith("--", StringComparison.Ordinal))
                {
                    bool hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
                    options.named[args[i]] = hasValue ? args[++i] : null;
                }
                else
                {
                    options.positional.Add(args[i]);
                }
            }

            return options;
        }

        public string Required(string name) =>
            named.Remove(name, out string? value) && !string.IsNullOrWhiteSpace(value)
                ? value
                : throw new UsageException($"{name} is required");

        public int Int(string name, int fallback)
        {
            if (!named.Remove(name, out string? value))
            {
                return fallback;
            }

            return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed)
                ? parsed
                : throw new UsageException($"{name} needs a whole number");
        }

        public bool Flag(string name)
        {
            if (!named.Remove(name, out string? value))
            {
                return false;
            }

            // "--details 0791…" reads the number as the flag's value: give it back as a positional word.
            if (value is not null)
            {
                positional.Add(value);
            }

            return true;
        }

        /// <summary>Takes the positional words (exactly <paramref name="count"/>) and checks that nothing else was given.</summary>
        public List<string> Finish(int count, string what = "")
        {
            if (named.Count > 0)
            {
                throw new UsageException($"unknown option '{named.Keys.First()}'");
            }

            if (positional.Count != count)
            {
                throw new UsageException(count == 0 ? $"unexpected '{positional[0]}'" : $"exactly {count} {what} required");
            }

            return positional;
        }
    }
}
