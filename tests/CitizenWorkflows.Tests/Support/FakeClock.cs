namespace CitizenWorkflows.Tests.Support;

/// <summary>A clock the test sets and moves by hand.</summary>
public sealed class FakeClock(DateTimeOffset start) : TimeProvider
{
    DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;

    public void Set(DateTimeOffset to) => now = to;
}
