namespace CitizenWorkflows.Simulators;

/// <summary>Configuration section <c>Simulators</c>: stand-ins for the print centre and the courier.</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulators";

    public bool Enabled { get; set; } = true;

    public PartnerSimulatorOptions PrintCentre { get; set; } = new();

    public PartnerSimulatorOptions Courier { get; set; } = new();

    /// <summary>The police stations' officers handing collected cards over.</summary>
    public PartnerSimulatorOptions Station { get; set; } = new();
}

public sealed class PartnerSimulatorOptions
{
    /// <summary>How long the partner takes before calling back.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Between the callbacks of one order (picked up → in transit → delivered).</summary>
    public TimeSpan LegDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a later leg is offered again while the workflow has not yet recorded the one before (a busy host may
    /// take a while); after that the card is left to its workflow's deadline.
    /// </summary>
    public TimeSpan Patience { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Share of orders answered with the failure callback (0–1).</summary>
    public double FailureRate { get; set; }

    /// <summary>Orders worked on at once.</summary>
    public int Concurrency { get; set; } = 64;
}
