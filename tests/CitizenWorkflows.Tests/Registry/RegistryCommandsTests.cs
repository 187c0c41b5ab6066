using CitizenWorkflows.Admin;
using CitizenWorkflows.Tests.Support;
using CitizenWorkflows.Workflow.Registry;
using Microsoft.Extensions.DependencyInjection;
using CitizenWorkflows.TestData;

namespace CitizenWorkflows.Tests.Registry;

/// <summary>The operator's <c>registry generate | load | show</c> commands on a private Azurite.</summary>
public sealed class RegistryCommandsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("cw-registry-").FullName;
    readonly ServiceProvider services = new ServiceCollection().AddSingleton(azurite.Tables).AddPopulationRegistry().BuildServiceProvider();

    public void Dispose()
    {
        services.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        int exit = await RegistryCommands.RunAsync(args, services, output);
        return (exit, output.ToString());
    }

    [Fact]
    public async Task Generate_then_load_then_show()
    {
        string file = Path.Combine(folder, "citizens.csv");
        (int exit, string output) = await RunAsync("registry", "generate", "--count", "10500", "--seed", "5", "--out", file);
        Assert.Equal(0, exit);
        Assert.Contains("10500", output, StringComparison.Ordinal);

        // Two bad lines at the end: a bad date and a row with too few fields.
        List<CitizenRecord> expected = [.. SyntheticCitizens.Generate(5, 10500)];
        await File.AppendAllTextAsync(file,
            RegistrySamples.Line(RegistrySamples.Hanh, ("DateOfBirth", "1994-02-30")) + "\r\n" + "079194001299,Lê Văn Tám\r\n");

        (exit, output) = await RunAsync("load", "--file", file);
        Assert.Equal(1, exit); // loaded, with rejected lines
        Assert.Contains("… 10,000 lines read", output, StringComparison.Ordinal);
        Assert.Contains("Loaded 10,500 citizens from 10,502 lines", output, StringComparison.Ordinal);
        Assert.Contains("rejected 2 lines", output, StringComparison.Ordinal);
        Assert.Contains("line 10502: DateOfBirth date.format", output, StringComparison.Ordinal);
        Assert.Contains("line 10503: csv.columns", output, StringComparison.Ordinal);

        PopulationRegistry registry = services.GetRequiredService<PopulationRegistry>();
        Assert.Equal(10_500, await registry.CountAsync());
        Assert.Equal(expected[^1], await registry.GetAsync(expected[^1].PersonalNumber));

        (exit, output) = await RunAsync("registry", "show", expected[0].PersonalNumber);
        Assert.Equal(0, exit);
        Assert.Contains("in the registry", output, StringComparison.Ordinal);
        Assert.DoesNotContain(expected[0].FullName, output, StringComparison.Ordinal);

        (exit, output) = await RunAsync("registry", "show", "--details", expected[0].PersonalNumber);
        Assert.Equal(0, exit);
        Assert.Contains(expected[0].FullName, output, StringComparison.Ordinal);

        (exit, output) = await RunAsync("registry", "show", "079194001299");
        Assert.Equal(1, exit);
        Assert.Contains("not in the registry", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("registry", "frobnicate")]
    [InlineData("registry", "generate", "--count", "ten", "--out", "x.csv")]
    [InlineData("registry", "generate", "--count", "10")]
    [InlineData("registry", "load", "--file", "a.csv", "--fast")]
    [InlineData("registry", "show")]
    [InlineData("registry", "show", "12345")]
    public async Task Wrong_usage_says_so(params string[] args)
    {
        (int exit, string output) = await RunAsync(args);
        Assert.Equal(2, exit);
        Assert.False(string.IsNullOrWhiteSpace(output));
    }

    [Fact]
    public async Task Loading_a_missing_file_fails()
    {
        (int exit, string output) = await RunAsync("registry", "load", "--file", Path.Combine(folder, "nope.csv"));
        Assert.Equal(1, exit);
        Assert.Contains("No such file", output, StringComparison.Ordinal);
    }
}
