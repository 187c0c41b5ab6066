using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/CitizenWorkflows.Benchmarks -- --filter '*' [--job short]
BenchmarkSwitcher.FromAssembly(typeof(CitizenWorkflows.Benchmarks.HotPaths).Assembly).Run(args);
