using System.CommandLine;
using CitizenWorkflows.Admin;
using CitizenWorkflows.Load;

namespace CitizenWorkflows.Tests.Load;

/// <summary>
/// The Load and Admin tools' command lines, parsed in process (no host starts): help lists every option, host settings
/// pass through to the host, and an unknown option or a bad value is a usage error naming the option.
/// </summary>
public sealed class ToolCommandLineTests
{
    static async Task<(int Exit, string Output, string Error, HostRun? Run)> LoadAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        HostRun? seen = null;
        int exit = await LoadCommandLine.RunAsync(args, output, error, run =>
        {
            seen = run;
            return Task.FromResult(0);
        });
        return (exit, output.ToString(), error.ToString(), seen);
    }

    static async Task<(int Exit, string Output, string Error)> AdminAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await AdminCommandLine.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    static readonly string[] LoadRunOptions =
        ["--count", "--rate", "--max", "--concurrency", "--kiosks", "--registry-share", "--approve", "--timeout-minutes", "--timeline-sample", "--seed", "--result-file"];

    public static TheoryData<string, string[]> LoadCommands => new()
    {
        { "demo", LoadRunOptions },
        { "load", LoadRunOptions },
        { "bench-intake", ["--rate", "--seconds"] },
        { "bench-lifecycle", ["--sessions", "--settings", "--telemetry", "--count", "--seed", "--rate", "--max", "--kiosks", "--approve", "--timeout-minutes"] },
        { "faults kill", ["--kills", "--kill-every-seconds", .. LoadRunOptions] },
        { "faults azurite-restart", ["--restarts", "--kill-every-seconds", .. LoadRunOptions] },
        { "faults two-workers", ["--kill-every-seconds", .. LoadRunOptions] },
        { "faults poison", LoadRunOptions },
        { "fingerprints accuracy", ["--identities", "--seed", "--impostors"] },
        { "fingerprints search-bench", ["--gallery", "--probes", "--seed", "--candidates", "--growth"] },
    };

    [Theory]
    [MemberData(nameof(LoadCommands))]
    public async Task Load_help_lists_every_option_of_each_command(string command, string[] options)
    {
        (int exit, string output, _, HostRun? run) = await LoadAsync([.. command.Split(' '), "--help"]);
        Assert.Equal(0, exit);
        Assert.Null(run);
        foreach (string option in options)
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_shows_each_commands_own_defaults()
    {
        (_, string load, _, _) = await LoadAsync("load", "--help");
        (_, string demo, _, _) = await LoadAsync("demo", "--help");
        (_, string faults, _, _) = await LoadAsync("faults", "kill", "--help");
        Assert.Matches(@"--count <count>\s+Applications to submit\. \[default: 200\]", load);
        Assert.Matches(@"--count <count>\s+Applications to submit\. \[default: 20\]", demo);
        Assert.Matches(@"--approve <Auto\|Officer>[^\n]*\[default: Officer\]", demo);
        Assert.Matches(@"--kills <kills>[^\n]*\[default: 5\]", faults);
    }

    [Fact]
    public void Every_option_of_every_command_has_a_description_and_a_default()
    {
        RootCommand load = LoadCommandLine.Create([], "", "", TextWriter.Null, _ => Task.FromResult(0));
        RootCommand admin = AdminCommandLine.Create(_ => throw new InvalidOperationException("no services in a parse"), TextWriter.Null);
        IEnumerable<Command> All(Command c) => [c, .. c.Subcommands.SelectMany(All)];
        foreach (Command command in All(load).Concat(All(admin)))
        {
            Assert.False(string.IsNullOrWhiteSpace(command.Description), $"command {command.Name}");
            foreach (Option option in command.Options.Where(o => o is not (System.CommandLine.Help.HelpOption or VersionOption)))
            {
                Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{command.Name} {option.Name}");
                // Shown by the help as [default: …], or said in words where there is none to show.
                Assert.True(
                    option.HasDefaultValue || option.Required || option.Description!.Contains("Default", StringComparison.Ordinal),
                    $"{command.Name} {option.Name} says nothing of its default");
            }
        }
    }

    [Fact]
    public async Task Options_are_taken_out_of_the_arguments_and_the_rest_is_left_for_the_host()
    {
        (int exit, _, string error, HostRun? run) = await LoadAsync("load", "--count", "50", "--rate", "2.5", "--kiosks", "3", "--approve", "officer", "--TaskHub:Name=X");
        Assert.True(exit == 0, error);
        Assert.Equal((50, 2.5, false, 3, true), (run!.Load.Count, run.Load.Rate, run.Load.Max, run.Load.Kiosks, run.Load.OfficerApproves));
        Assert.Equal(["--TaskHub:Name=X"], run.HostSettings);
        Assert.Equal("./run.sh load --count 50 --rate 2.5 --kiosks 3 --approve officer --TaskHub:Name=X", run.CommandLine);

        (_, _, _, run) = await LoadAsync("load");
        Assert.True(run!.Load.Max); // no rate: as fast as possible
    }

    [Fact]
    public async Task Host_settings_pass_through_in_every_form_the_callers_use()
    {
        // .ci/run: the value as the next argument.
        (int exit, _, string error, HostRun? run) = await LoadAsync("demo", "--count", "10", "--timeout-minutes", "5", "--TaskHub:Name", "CiDemoHub");
        Assert.True(exit == 0, error);
        Assert.Equal((10, TimeSpan.FromMinutes(5), true, 1), (run!.Load.Count, run.Load.Timeout, run.Load.OfficerApproves, run.Load.Kiosks));
        Assert.Equal(["--TaskHub:Name=CiDemoHub"], run.HostSettings);

        // docs/benchmarks.md: the host's own --urls, values with ':' and '=', settings before options; order kept.
        (exit, _, error, run) = await LoadAsync(
            "bench-intake", "--Storage:ConnectionString=AccountName=a;BlobEndpoint=http://127.0.0.1:10300/a", "--rate", "5", "--urls=http://127.0.0.1:7373",
            "--seconds", "20", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Default=Error");
        Assert.True(exit == 0, error);
        Assert.Equal(("bench-intake", 5, 20), (run!.Command, run.Rate, run.Seconds));
        Assert.Equal(
            ["--Storage:ConnectionString=AccountName=a;BlobEndpoint=http://127.0.0.1:10300/a", "--urls=http://127.0.0.1:7373", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Default=Error"],
            run.HostSettings);

        // An option's value that holds ':' and '=' (a URL) stays the option's.
        (exit, _, error, run) = await LoadAsync("load", "--result-file", "http://127.0.0.1:4318/v1?a=b", "--Workflow:AutoApprove=false");
        Assert.True(exit == 0, error);
        Assert.Equal("http://127.0.0.1:4318/v1?a=b", run!.Load.ResultFile);
        Assert.Equal(["--Workflow:AutoApprove=false"], run.HostSettings);
    }

    [Theory]
    [InlineData("--bogus", "load", "--count", "5", "--bogus")]
    [InlineData("--count", "load", "--count", "ten")]
    [InlineData("--rate", "load", "--rate", "fast")]
    [InlineData("--approve", "demo", "--approve", "maybe")]
    [InlineData("--timeout-minutes", "demo", "--timeout-minutes", "soon")]
    [InlineData("--count", "load", "--count", "0")]
    [InlineData("--seconds", "bench-intake", "--seconds", "1.5")]
    [InlineData("--sessions", "bench-lifecycle", "--sessions", "on,maybe")]
    [InlineData("--kills", "faults", "poison", "--kills", "3")]
    [InlineData("--kill-every-seconds", "faults", "kill", "--kill-every-seconds", "x")]
    [InlineData("explode", "faults", "explode")]
    [InlineData("--gallery", "fingerprints", "search-bench", "--gallery", "1000,lots")]
    [InlineData("--Workflow:AutoApprove=false", "fingerprints", "accuracy", "--Workflow:AutoApprove=false")]
    [InlineData("--Workflow:AutoApprove", "load", "--Workflow:AutoApprove")]
    [InlineData("frobnicate", "frobnicate")]
    public async Task A_wrong_option_or_value_is_a_usage_error_naming_it(string named, params string[] args)
    {
        (int exit, string output, string error, HostRun? run) = await LoadAsync(args);
        Assert.Equal(2, exit);
        Assert.Null(run);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("registry generate", "--count", "--seed", "--out")]
    [InlineData("registry load", "--file")]
    [InlineData("registry show", "personal-number", "--details")]
    [InlineData("kiosk register", "--id", "--province", "--commune", "--mobile")]
    [InlineData("kiosk disable", "--id")]
    [InlineData("card verify", "--file", "--application")]
    public async Task Admin_help_lists_every_option_of_each_command(string command, params string[] options)
    {
        (int exit, string output, _) = await AdminAsync([.. command.Split(' '), "--help"]);
        Assert.Equal(0, exit);
        foreach (string option in options)
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--fast", "registry", "load", "--file", "a.csv", "--fast")]
    [InlineData("--count", "registry", "generate", "--count", "ten", "--out", "x.csv")]
    [InlineData("--out", "registry", "generate", "--count", "10")]
    [InlineData("--province", "kiosk", "register", "--id", "K-1", "Storage:ConnectionString=UseDevelopmentStorage=true")]
    [InlineData("--application", "card", "verify")]
    public async Task Admin_usage_errors_name_the_option(string named, params string[] args)
    {
        (int exit, _, string error) = await AdminAsync(args);
        Assert.Equal(2, exit);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }
}
