using System.CommandLine;
using CitizenWorkflows.Tools;

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
