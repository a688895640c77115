using Hub.Server.Infrastructure.Hosting;

// A bad setting or a busy port is the operator's to fix: one line naming it and exit code 78, not a stack trace.
// (An unhandled-exception hook rather than a catch: under a test host the same exception must reach the test.)
StartupFailure.ReportInOneLine();

// Settings files ship beside the binary; the working folder is where the hub keeps its state (.hub/).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddHub();

var app = builder.Build();

// Every setting checked now, all at once, before anything starts (and logs a failure of its own).
app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
app.MapHub();
app.Run();
