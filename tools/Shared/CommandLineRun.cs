using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace CitizenWorkflows.Tools;

/// <summary>Invokes a parsed command line the way the tools did before System.CommandLine: a usage error exits with 2.</summary>
internal static class CommandLineRun
{
    public const int UsageError = 2;

    public static async Task<int> InvokeAsync(ParseResult result, TextWriter output, TextWriter error, string? usage = null, CancellationToken cancellationToken = default)
    {
        if (result.Errors.Count > 0 && result.Action is ParseErrorAction)
        {
            // The errors (each names the option or word at fault) and where to look, not the whole help text.
            if (usage is not null)
            {
                await error.WriteLineAsync(usage);
            }

            foreach (ParseError e in result.Errors)
            {
                await error.WriteLineAsync(e.Message);
            }

            await error.WriteLineAsync($"See '{CommandPath(result.CommandResult)} --help'.");
            return UsageError;
        }

        return await result.InvokeAsync(
            new InvocationConfiguration
            {
                Output = output,
                Error = error,
                // The commands handle SIGINT/SIGTERM themselves (the hosts stop, the fault drivers stop their children).
                ProcessTerminationTimeout = null,
                // An exception is a failure with its stack trace, as before, not a one-line message and exit code 1.
                EnableDefaultExceptionHandler = false,
            },
            cancellationToken);
    }

    static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (CommandResult? c = command; c is not null; c = c.Parent as CommandResult)
        {
            names.Insert(0, c.Command.Name);
        }

        return string.Join(' ', names);
    }
}
