using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;

namespace Hub.Server.Infrastructure.Rest;

/// <summary>
/// The REST routes the transcoder serves, by path template, so that a path with the wrong verb is told which verbs it
/// has (405 with <c>Allow</c>) instead of "not found".
/// </summary>
internal sealed class RestRoutes(EndpointDataSource endpoints)
{
    private readonly Lazy<List<(Regex Path, string Method)>> _routes = new(() => endpoints.Endpoints
        .Select(e => e.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>())
        .OfType<GrpcJsonTranscodingMetadata>()
        .Select(m => m.HttpRule)
        .SelectMany(r => new[] { r }.Concat(r.AdditionalBindings))
        .Select(r => (Template(r), Method(r)))
        .ToList());

    /// <summary>The verbs <paramref name="path"/> has; empty when no route has this path.</summary>
    public IReadOnlyList<string> MethodsFor(string path) =>
        _routes.Value.Where(r => r.Path.IsMatch(path)).Select(r => r.Method).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>The rule's HTTP verb ("GET", "POST", …).</summary>
    public static string Method(Google.Api.HttpRule rule) => rule.PatternCase switch
    {
        Google.Api.HttpRule.PatternOneofCase.Get => "GET",
        Google.Api.HttpRule.PatternOneofCase.Post => "POST",
        Google.Api.HttpRule.PatternOneofCase.Put => "PUT",
        Google.Api.HttpRule.PatternOneofCase.Delete => "DELETE",
        Google.Api.HttpRule.PatternOneofCase.Patch => "PATCH",
        _ => rule.Custom?.Kind ?? string.Empty,
    };

    /// <summary>The values a route's path variables take in <paramref name="path"/>, by field path ("log_index"); empty when none.</summary>
    public static IReadOnlyDictionary<string, string> PathValues(Google.Api.HttpRule rule, string path)
    {
        var template = Template(rule);
        var match = template.Match(path);
        return match.Success
            ? template.GetGroupNames().Where(g => g.StartsWith('v') && match.Groups[g].Success)
                .ToDictionary(g => g[1..].Replace("__", ".", StringComparison.Ordinal), g => match.Groups[g].Value, StringComparer.Ordinal)
            : new Dictionary<string, string>();
    }

    /// <summary>The rule's path template as written in the proto, e.g. "/v1/licenses/{identifier}:amend".</summary>
    public static string PathTemplate(Google.Api.HttpRule rule) => rule.PatternCase switch
    {
        Google.Api.HttpRule.PatternOneofCase.Get => rule.Get,
        Google.Api.HttpRule.PatternOneofCase.Post => rule.Post,
        Google.Api.HttpRule.PatternOneofCase.Put => rule.Put,
        Google.Api.HttpRule.PatternOneofCase.Delete => rule.Delete,
        Google.Api.HttpRule.PatternOneofCase.Patch => rule.Patch,
        _ => rule.Custom?.Path ?? string.Empty,
    };

    /// <summary>
    /// "/v1/licenses/{identifier}:amend" as a regular expression: a variable is one path segment (or more with "=**"),
    /// captured as a group named 'v' + its field path (dots as "__").
    /// </summary>
    private static Regex Template(Google.Api.HttpRule rule)
    {
        var template = PathTemplate(rule);
        var pattern = Regex.Replace(Regex.Escape(template).Replace("\\{", "{", StringComparison.Ordinal), "{([^}=]*)[^}]*}",
            m => $"(?<v{m.Groups[1].Value.Replace(".", "__", StringComparison.Ordinal)}>{(m.Value.Contains("**", StringComparison.Ordinal) ? ".+" : "[^/:]+")})");
        return new Regex("^" + pattern + "$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50));
    }
}
