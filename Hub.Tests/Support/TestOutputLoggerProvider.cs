using Microsoft.Extensions.Logging;

namespace Hub.Tests.Support;

/// <summary>Sends the hub's warnings and errors to the running test's output, so a failing test shows why.</summary>
public sealed class TestOutputLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new OutputLogger(categoryName);

    public void Dispose()
    {
    }

    private sealed class OutputLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                var line = $"[{logLevel}] {category}: {formatter(state, exception)} {exception}";
                TestContext.Current.TestOutputHelper?.WriteLine(line);
                if (Environment.GetEnvironmentVariable("HUB_TEST_LOG") is { Length: > 0 } file)
                {
                    lock (typeof(TestOutputLoggerProvider))
                    {
                        File.AppendAllText(file, line + Environment.NewLine);
                    }
                }
            }
        }
    }
}
