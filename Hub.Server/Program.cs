using Hub.Server.Infrastructure.Hosting;

// Settings files ship beside the binary; the working folder is where the hub keeps its state (.hub/).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// A bad setting or a busy port is the operator's to fix: one line naming it and exit code 2, not a stack trace.
// (An unhandled-exception hook rather than a catch: under a test host the same exception must reach the test.)
StartupFailure.ReportInOneLine(builder.Configuration);
builder.AddHub();

var app = builder.Build();

// Every setting checked now, all at once, then the ports — before anything is provisioned or started.
app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
// (Only when Kestrel will listen: an in-memory test server binds nothing.)
if (app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().GetType().Assembly == typeof(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions).Assembly)
{
    StartupFailure.RequireFreePorts(
        app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EndpointOptions>>().Value,
        app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Hub.Server.Infrastructure.Telemetry.TelemetryOptions>>().Value,
        embedded: string.IsNullOrWhiteSpace(app.Configuration.GetConnectionString("Hub")));
}
app.MapHub();
app.Run();
