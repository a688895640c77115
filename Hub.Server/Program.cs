using Hub.Server.Infrastructure.Hosting;

// Settings files ship beside the binary; the working folder is where the hub keeps its state (.hub/).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddHub();

var app = builder.Build();
app.MapHub();
app.Run();
