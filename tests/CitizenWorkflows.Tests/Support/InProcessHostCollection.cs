namespace CitizenWorkflows.Tests.Support;

/// <summary>
/// Tests that start a Local host inside the test process and listen to its meters run alone: a CI run once saw the
/// in-process host's token endpoint answer 500 (empty body) while the rest of the suite ran beside it, not reproduced
/// since (alone or with the other telemetry tests); running it apart keeps its figures its own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InProcessHostCollection
{
    public const string Name = "In-process host, alone";
}
