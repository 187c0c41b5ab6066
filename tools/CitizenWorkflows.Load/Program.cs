using CitizenWorkflows.Load;

// Usage: CitizenWorkflows.Load demo [--count N] [--timeout-minutes M] …   sample applications followed to Delivered
// CitizenWorkflows.Load load [--count N] [--rate R|--max] [--kiosks K] …  load generator with a measured summary
// (LoadOptions) CitizenWorkflows.Load bench-intake [--rate R] [--seconds S]      intake throughput and latency at a
// fixed offered load CitizenWorkflows.Load faults kill|azurite-restart|two-workers|poison [--count N] …  fault
// injection with a verdict (FaultCommands) CitizenWorkflows.Load bench-lifecycle [--count N] [--sessions …] [--settings
// …]  one workload on several configurations, as ratios CitizenWorkflows.Load fingerprints accuracy|search-bench …
// matcher accuracy report and 1:N search benchmark plus host settings (--Section:Key=value) for the commands that start
// a host; every command and subcommand has --help (LoadCommandLine). demo, load and bench-intake start the Local host
// in this process (tools/CitizenWorkflows.Load: the host's tools, not the product); the fault drivers start it as child
// processes. ./run.sh demo|load|bench-*|faults|fingerprints runs this program.
return await LoadCommandLine.RunAsync(args, Console.Out, Console.Error);
