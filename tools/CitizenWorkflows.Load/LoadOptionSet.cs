using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace CitizenWorkflows.Load;

/// <summary>Who approves the applications of a load run.</summary>
public enum Approval
{
    /// <summary>By rule (<c>Workflow:AutoApprove</c>).</summary>
    Auto,

    /// <summary>An officer over HTTP, as the demo does.</summary>
    Officer,
}

/// <summary>
/// <see cref="LoadOptions"/> as command-line options, with one command's defaults (the demo's, a load run's, a fault
/// run's) so that its help shows them.
/// </summary>
public sealed class LoadOptionSet
{
    public LoadOptionSet(LoadOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        Count = CommandOptions.Int("--count", "Applications to submit.", defaults.Count, min: 1);
        Rate = new Option<double?>("--rate")
        {
            CustomParser = r => CommandOptions.Number(r),
            Description = defaults.Rate is null
                ? "Offered submissions per second (open loop). Default: none, as fast as possible (--max)."
                : "Offered submissions per second (open loop).",
        };
        if (defaults.Rate is double rate)
        {
            Rate.DefaultValueFactory = _ => rate;
        }

        Rate.Validators.Add(r => CommandOptions.AtLeast(r, 0.001));
        Max = new Option<bool>("--max") { Description = "As fast as the host answers, --concurrency requests in flight (also without --rate). Default: off." };
        Concurrency = CommandOptions.Int("--concurrency", "Requests in flight with --max.", defaults.Concurrency, min: 1);
        Kiosks = CommandOptions.Int("--kiosks", "Synthetic kiosks that submit.", defaults.Kiosks, min: 1);
        RegistryShare = new Option<double>("--registry-share")
        {
            CustomParser = r => CommandOptions.Number(r),
            Description = "Share of applications that are renewals by registry citizens (the rest are first-time applicants), 0 to 1.",
            DefaultValueFactory = _ => defaults.RegistryShare,
        };
        RegistryShare.Validators.Add(r => CommandOptions.AtLeast(r, 0, max: 1));
        Approve = new Option<Approval>("--approve")
        {
            Description = "Approval by rule (auto) or by an officer over HTTP (officer).",
            DefaultValueFactory = _ => defaults.OfficerApproves ? Approval.Officer : Approval.Auto,
        };
        TimeoutMinutes = new Option<double>("--timeout-minutes")
        {
            CustomParser = r => CommandOptions.Number(r),
            Description = "Minutes to wait for every application to finish.",
            DefaultValueFactory = _ => defaults.Timeout.TotalMinutes,
        };
        TimeoutMinutes.Validators.Add(r => CommandOptions.AtLeast(r, 0.001));
        TimelineSample = CommandOptions.Int("--timeline-sample", "Timelines read back for the per-stage latencies.", defaults.TimelineSample, min: 0);
        Seed = new Option<int?>("--seed") { Description = "Seed of the synthetic applicants. Default: from the clock (printed with the summary)." };
        ResultFile = new Option<string?>("--result-file") { Description = "Writes the summary as JSON to this file. Default: none." };
        this.defaults = defaults;
    }

    readonly LoadOptions defaults;

    public Option<int> Count { get; }

    public Option<double?> Rate { get; }

    public Option<bool> Max { get; }

    public Option<int> Concurrency { get; }

    public Option<int> Kiosks { get; }

    public Option<double> RegistryShare { get; }

    public Option<Approval> Approve { get; }

    public Option<double> TimeoutMinutes { get; }

    public Option<int> TimelineSample { get; }

    public Option<int?> Seed { get; }

    public Option<string?> ResultFile { get; }

    public IEnumerable<Option> All => [Count, Rate, Max, Concurrency, Kiosks, RegistryShare, Approve, TimeoutMinutes, TimelineSample, Seed, ResultFile];

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (Option option in All)
        {
            command.Options.Add(option);
        }
    }

    public LoadOptions Read(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        LoadOptions o = defaults with
        {
            Count = result.GetValue(Count),
            Rate = result.GetValue(Rate),
            Max = result.GetValue(Max) || defaults.Max,
            Concurrency = result.GetValue(Concurrency),
            Kiosks = result.GetValue(Kiosks),
            RegistryShare = result.GetValue(RegistryShare),
            OfficerApproves = result.GetValue(Approve) == Approval.Officer,
            Timeout = TimeSpan.FromMinutes(result.GetValue(TimeoutMinutes)),
            TimelineSample = result.GetValue(TimelineSample),
            Seed = result.GetValue(Seed) ?? defaults.Seed,
            ResultFile = result.GetValue(ResultFile) ?? defaults.ResultFile,
        };
        // Neither a rate nor --max: as fast as possible.
        return o.Rate is null && !o.Max ? o with { Max = true } : o;
    }
}

/// <summary>Option helpers shared by the Load tool's commands.</summary>
internal static class CommandOptions
{
    public static Option<int> Int(string name, string description, int defaultValue, int min)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r => AtLeast(r, min));
        return option;
    }

    public static Option<double> Double(string name, string description, double defaultValue, double min)
    {
        var option = new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue, CustomParser = r => Number(r) };
        option.Validators.Add(r => AtLeast(r, min));
        return option;
    }

    /// <summary>
    /// A comma-separated list (<c>--sessions on,off</c>) whose every item is one of <paramref name="allowed"/> when given.
    /// </summary>
    public static Option<string?> List(string name, string description, string? defaultValue, params string[] allowed)
    {
        var option = new Option<string?>(name) { Description = description };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }

        option.Validators.Add(r =>
        {
            foreach (string item in Items(r.Tokens.Count == 1 ? r.Tokens[0].Value : ""))
            {
                if (allowed.Length > 0 && !allowed.Contains(item, StringComparer.OrdinalIgnoreCase))
                {
                    r.AddError($"{name}: '{item}' is not one of {string.Join(", ", allowed)}.");
                }
            }
        });
        return option;
    }

    /// <summary>A number as written in every culture (<c>2.5</c>), where the parser's own would follow the current one.</summary>
    public static double Number(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            return value;
        }

        string option = result.Parent is OptionResult o ? o.IdentifierToken?.Value ?? o.Option.Name : result.Argument.Name;
        result.AddError($"Cannot parse argument '{text}' for option '{option}' as a number.");
        return 0;
    }

    public static string[] Items(string? list) => (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A range check on the given value (a value that does not parse is already the parser's error).</summary>
    public static void AtLeast(OptionResult result, double min, double max = double.MaxValue)
    {
        if (result.Tokens.Count == 1
            && double.TryParse(result.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            && (value < min || value > max))
        {
            string name = result.IdentifierToken?.Value ?? result.Option.Name;
            result.AddError(max == double.MaxValue
                ? string.Create(CultureInfo.InvariantCulture, $"{name} must be at least {min}, not {result.Tokens[0].Value}.")
                : string.Create(CultureInfo.InvariantCulture, $"{name} must be between {min} and {max}, not {result.Tokens[0].Value}."));
        }
    }
}
