namespace Hub.Cli;

/// <summary>What a command writes to and, in tests, the HTTP handler that reaches an in-memory hub.</summary>
internal sealed record CliEnvironment(TextWriter Out, TextWriter Error, HttpMessageHandler? Handler);
