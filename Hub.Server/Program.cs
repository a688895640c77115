using Hub.Server.Infrastructure.Hosting;

try
{
    // Settings files ship beside the binary; the working folder is where the hub keeps its state (.hub/).
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.AddHub();

    var app = builder.Build();

    // Every setting checked now, all at once, before anything starts (and logs a failure of its own).
    app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
    app.MapHub();
    app.Run();
    return 0;
}
catch (Exception e) when (StartupFailure.Describe(e) is { } problem)
{
    // A bad setting or a busy port is the operator's to fix: one line naming it, not a stack trace.
    Console.Error.WriteLine($"hub: cannot start: {problem}");
    return StartupFailure.ExitCode;
}
