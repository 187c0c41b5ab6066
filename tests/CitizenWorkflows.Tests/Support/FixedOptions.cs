using Microsoft.Extensions.Options;

namespace CitizenWorkflows.Tests.Support;

/// <summary>Options that never change, for building a service with settings of the test's own.</summary>
public sealed class FixedOptions<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue => value;

    public T Get(string? name) => value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
