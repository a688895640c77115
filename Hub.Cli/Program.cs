using Hub.Cli;

return await HubCtl.RunAsync(args, new CliEnvironment(Console.Out, Console.Error, null));
