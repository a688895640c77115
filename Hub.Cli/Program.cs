namespace Hub.Cli;

/// <summary>The hubctl process: the command tree on the console.</summary>
internal static class EntryPoint
{
    public static Task<int> Main(string[] args) => HubCtl.RunAsync(args, new CliEnvironment(Console.Out, Console.Error, null));
}
