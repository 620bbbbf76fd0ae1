using MatrixSensing.Cli;

// Ctrl-C cancels the running solver, which returns its partial result; the command then writes what it has.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
return await Cli.RunAsync(args, Console.Out, Console.Error, cancellation.Token);
