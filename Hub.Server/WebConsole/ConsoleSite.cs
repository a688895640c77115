using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Hub.Server.WebConsole;

/// <summary>
/// The web console's static files (HTML, CSS, JavaScript), compiled into Hub.Server as resources so the console works
/// on an isolated network with nothing to install or fetch. Served only over TLS (the API key a user signs in with
/// travels in every request), with a content security policy that allows the hub's own scripts and nothing else.
/// </summary>
public sealed class ConsoleSite
{
    public const string PathPrefix = "/console";
    private const string ResourcePrefix = "console/";

    // Scripts and styles only from the hub itself; no inline script, no frames, no form posts elsewhere.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
    }.ToFrozenDictionary();

    private readonly FrozenDictionary<string, SiteFile> _files;

    public ConsoleSite()
    {
        var assembly = typeof(ConsoleSite).Assembly;
        _files = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .ToFrozenDictionary(n => n[ResourcePrefix.Length..], n => SiteFile.Read(assembly, n), StringComparer.Ordinal);
    }

    public async Task ServeAsync(HttpContext context, string? path)
    {
        if (!context.Request.IsHttps)
        {
            // The sign-in key would cross the network in the clear: the console is on the TLS port only.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (string.IsNullOrEmpty(path) && !context.Request.Path.Value!.EndsWith('/'))
        {
            // "/console" itself: the pages' relative links need the folder's slash.
            context.Response.Redirect(PathPrefix + "/");
            return;
        }

        var name = string.IsNullOrEmpty(path) ? "index.html" : path;
        if (!_files.TryGetValue(name, out var file))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        headers.ETag = file.ETag;
        if (context.Request.Headers.IfNoneMatch == file.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.ContentType = file.ContentType;
        context.Response.ContentLength = file.Content.Length;
        await context.Response.Body.WriteAsync(file.Content, context.RequestAborted);
    }

    private sealed record SiteFile(byte[] Content, string ContentType, string ETag)
    {
        public static SiteFile Read(Assembly assembly, string resource)
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(resource), "application/octet-stream");
            var tag = new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..16] + "\"").ToString();
            return new SiteFile(content, type, tag);
        }
    }
}
