using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/CitizenWorkflows.Benchmarks -- --filter '*' [--job short]
// BenchmarkDotNet builds a child project per run; on a busy machine that takes longer than its 2-minute default.
BenchmarkSwitcher.FromAssembly(typeof(CitizenWorkflows.Benchmarks.HotPaths).Assembly)
    .Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(15)));
