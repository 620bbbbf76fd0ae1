using MatrixSensing.Interop;

// Placeholder entry until the command set lands: `msense info` only.
if (args.Length > 0 && args[0] == "info")
{
    Console.WriteLine(NativeLibraries.Describe());
    return 0;
}
Console.Error.WriteLine("usage: msense info");
return 2;
