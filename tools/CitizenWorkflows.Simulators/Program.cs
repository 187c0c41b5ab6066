using CitizenWorkflows.Local;
using CitizenWorkflows.Simulators;
using CitizenWorkflows.Workflow.Http;

// Usage: CitizenWorkflows.Simulators [serve] [--Section:Key=value …]: the print-centre, courier and station simulators
// against a running Local host. They take the host's own settings (./run.sh gives both the same arguments): urls (or
// ASPNETCORE_URLS) for its address, Storage:ConnectionString, Local:IdentityDirectory and Simulators:*.
string[] settings = args.Length > 0 && args[0] == "serve" ? args[1..] : args;
HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = settings, ContentRootPath = AppContext.BaseDirectory });
if (!PartnerSimulators.Enabled(builder.Configuration))
{
    Console.WriteLine("Partner simulators off (Simulators:Enabled=false): the partners' callbacks are yours to send.");
    return 0;
}

string urls = builder.Configuration["urls"] is { Length: > 0 } configured ? configured
    : Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is { Length: > 0 } environment ? environment
    : LocalHost.DefaultUrl;
Uri host = LoopbackAddress.From(urls.Split(';')[0]);

// The host writes the accounts the partners sign in with as it starts: answer once it does.
using var probe = new HttpClient { BaseAddress = host, Timeout = TimeSpan.FromSeconds(5) };
var liveness = new Uri($"/{ApiRoutes.Prefix}/{ApiRoutes.Liveness}", UriKind.Relative);
DateTimeOffset giveUpAt = DateTimeOffset.UtcNow.AddMinutes(5);
while (true)
{
    try
    {
        using HttpResponseMessage response = await probe.GetAsync(liveness);
        break;
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException && DateTimeOffset.UtcNow < giveUpAt)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(500));
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
    {
        Console.Error.WriteLine($"The Local host at {host} did not answer within 5 minutes ({e.Message}): the simulators need it running.");
        return 1;
    }
}

PartnerSimulators.AddTo(builder.Services, builder.Configuration, host);
using IHost simulators = builder.Build();
Console.WriteLine($"Partner simulators answering the host at {host}: print centre, courier, police stations.");
await simulators.RunAsync();
return 0;
