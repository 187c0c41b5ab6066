namespace CitizenWorkflows.Tests.Support;

/// <summary>Finds the repository and the build outputs the tests run.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration this test assembly was built in.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar).Contains("Release") ? "Release" : "Debug";

    public static string LocalHostDll =>
        Path.Combine(Root, "functions", "CitizenWorkflows.Local", "bin", Configuration, "net10.0", "CitizenWorkflows.Local.dll");

    /// <summary>The partner simulators' program, as ./run.sh starts it beside the host.</summary>
    public static string SimulatorsDll =>
        Path.Combine(Root, "tools", "CitizenWorkflows.Simulators", "bin", Configuration, "net10.0", "CitizenWorkflows.Simulators.dll");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CitizenWorkflows.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (CitizenWorkflows.sln) above " + AppContext.BaseDirectory);
    }
}
