using Microsoft.OpenApi.Writers;
using Swashbuckle.AspNetCore.Swagger;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>Serves the OpenAPI 3 description of the REST/JSON routes at <c>/openapi.json</c> (no key needed).</summary>
internal static class OpenApiDocument
{
    public static IResult Write(ISwaggerProvider provider)
    {
        var document = provider.GetSwagger("v1");
        using var text = new StringWriter();
        document.SerializeAsV3(new OpenApiJsonWriter(text));
        return Results.Text(text.ToString(), "application/json");
    }
}
