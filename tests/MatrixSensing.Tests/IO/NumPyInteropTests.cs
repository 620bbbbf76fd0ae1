using System.Globalization;
using MatrixSensing.IO;
using static MatrixSensing.Tests.IO.NpyTestSupport;

namespace MatrixSensing.Tests.IO;

/// <summary>
/// Files cross between this library and real NumPy in both directions. Values come from the same formula on both
/// sides (<see cref="NpyTestSupport.Value"/>), so every comparison is exact. Ignored when <c>/usr/bin/python3</c>
/// with NumPy is missing.
/// </summary>
[NonParallelizable]
public class NumPyInteropTests
{
    private static readonly long[][] Shapes = NpyRoundTripTests.Shapes;

    private static string PythonShapes()
    {
        var parts = new List<string>();
        for (int s = 0; s < Shapes.Length; s++)
        {
            string tuple = Shapes[s].Length == 1 ? $"({Shapes[s][0]},)" : "(" + string.Join(", ", Shapes[s]) + ")";
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"'s{s}': {tuple}"));
        }

        return "shapes = {" + string.Join(", ", parts) + "}\n";
    }

    private const string Prelude = "import io, os, sys, zipfile\nimport numpy as np\nd = sys.argv[1]\n";

    [Test]
    public void Reads_what_numpy_writes()
    {
        PythonNumPy.RequireOrIgnore();
        using var dir = new TempDirectory();
        string manifest = PythonNumPy.Run(Prelude + NumPyValueFunction + PythonShapes() + """
            for name, shape in shapes.items():
                base = f(int(np.prod(shape))).reshape(shape)
                for dt in ('f4', 'f8'):
                    for order, arr in (('C', np.array(base, dtype=dt, order='C')), ('F', np.array(base, dtype=dt, order='F'))):
                        fn = f'{name}_{dt}_{order}.npy'
                        np.save(os.path.join(d, fn), arr)
                        print(fn, int(np.isfortran(arr)))
            bundle = dict(A=f(72).reshape(6, 3, 4).astype('f4'), y=f(6), M_star=np.asfortranarray(f(12).reshape(3, 4)),
                          A2=np.asfortranarray(f(72).reshape(6, 12)), omega=np.array([0, 5, 7], dtype=np.int64),
                          mask=np.array([True, False, True]), idx32=np.arange(5, dtype=np.int32))
            np.savez(os.path.join(d, 'plain.npz'), **bundle)
            np.savez_compressed(os.path.join(d, 'packed.npz'), **bundle)
            np.save(os.path.join(d, 'be_f8_C.npy'), f(12).reshape(3, 4).astype('>f8'))
            np.save(os.path.join(d, 'be_f4_F.npy'), np.asfortranarray(f(12).reshape(3, 4).astype('>f4')))
            for v in ((1, 0), (2, 0), (3, 0)):
                with open(os.path.join(d, f'v{v[0]}.npy'), 'wb') as fh:
                    np.lib.format.write_array(fh, np.asfortranarray(f(24).reshape(2, 3, 4)), version=v)
            """.Replace("\r", "", StringComparison.Ordinal), dir.Path);

        var fortranFlags = manifest.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(p => p[0], p => p[1] == "1");
        Assert.That(fortranFlags, Has.Count.EqualTo(Shapes.Length * 4), manifest);

        int files = 0;
        Assert.Multiple(() =>
        {
            for (int s = 0; s < Shapes.Length; s++)
            {
                long[] shape = Shapes[s];
                double[] rowMajor = RowMajorValues(Product(shape));
                foreach (string dt in new[] { "f4", "f8" })
                {
                    foreach (string order in new[] { "C", "F" })
                    {
                        string fn = $"s{s}_{dt}_{order}.npy";
                        NpyArray a = Npy.Read(dir.File(fn));
                        files++;
                        Assert.That(a.Shape, Is.EqualTo(shape), fn);
                        Assert.That(a.FortranOrder, Is.EqualTo(fortranFlags[fn]), fn);
                        if (dt == "f4")
                        {
                            Assert.That(a.ElementType, Is.EqualTo(NpyElementType.Float32), fn);
                            Assert.That(Bits(a.ToRowMajor<float>()), Is.EqualTo(Bits(ToSingle(rowMajor))), fn);
                            Assert.That(Bits(a.ToColumnMajor<float>()), Is.EqualTo(Bits(ToSingle(ColumnMajorOf(rowMajor, shape)))), fn);
                        }
                        else
                        {
                            Assert.That(a.ElementType, Is.EqualTo(NpyElementType.Float64), fn);
                            Assert.That(Bits(a.ToRowMajor<double>()), Is.EqualTo(Bits(rowMajor)), fn);
                            Assert.That(Bits(a.ToColumnMajor<double>()), Is.EqualTo(Bits(ColumnMajorOf(rowMajor, shape))), fn);
                        }
                    }
                }
            }

            double[] twelve = RowMajorValues(12);
            NpyArray be8 = Npy.Read(dir.File("be_f8_C.npy")), be4 = Npy.Read(dir.File("be_f4_F.npy"));
            Assert.That(Bits(be8.ToRowMajor<double>()), Is.EqualTo(Bits(twelve)), "big-endian f8");
            Assert.That(Bits(be4.ToRowMajor<float>()), Is.EqualTo(Bits(ToSingle(twelve))), "big-endian f4, F order");
            Assert.That(be4.FortranOrder, Is.True);

            double[] cube = RowMajorValues(24);
            foreach (int v in new[] { 1, 2, 3 })
            {
                string path = dir.File($"v{v}.npy");
                Assert.That(File.ReadAllBytes(path)[6], Is.EqualTo(v), "the file really has this version");
                NpyArray a = Npy.Read(path);
                Assert.That(a.FortranOrder, Is.True);
                Assert.That(a.ToRowMajor<double>(), Is.EqualTo(cube), $"version {v}.0");
            }

            foreach (string npz in new[] { "plain.npz", "packed.npz" })
            {
                var z = Npz.Read(dir.File(npz));
                double[] a72 = RowMajorValues(72);
                Assert.That(z.Keys, Is.EquivalentTo(new[] { "A", "y", "M_star", "A2", "omega", "mask", "idx32" }), npz);
                Assert.That(z["A"].ToMeasurementRows<float>(), Is.EqualTo(MeasurementRowsOf(ToSingle(a72), [6, 3, 4])), npz);
                Assert.That(z["A2"].FortranOrder, Is.True, npz);
                Assert.That(z["A2"].ToMeasurementRows<double>(), Is.EqualTo(a72), npz);
                Assert.That(z["y"].ToArray<double>(), Is.EqualTo(RowMajorValues(6)), npz);
                Assert.That(z["M_star"].FortranOrder, Is.True, npz);
                Assert.That(z["M_star"].ToColumnMajor<double>(), Is.EqualTo(ColumnMajorOf(twelve, [3, 4])), npz);
                Assert.That(z["omega"].ToArray<long>(), Is.EqualTo(new long[] { 0, 5, 7 }), npz);
                Assert.That(z["mask"].AsSpan<bool>().ToArray(), Is.EqualTo(new[] { true, false, true }), npz);
                Assert.That(z["idx32"].ToArray<int>(), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }), npz);
            }
        });
        Assert.That(files, Is.EqualTo(Shapes.Length * 4));
    }

    [Test]
    public void NumPy_loads_what_we_write_and_np_save_writes_the_same_bytes()
    {
        PythonNumPy.RequireOrIgnore();
        using var dir = new TempDirectory();
        for (int s = 0; s < Shapes.Length; s++)
        {
            long[] shape = Shapes[s];
            double[] rowMajor = RowMajorValues(Product(shape));
            double[] columnMajor = ColumnMajorOf(rowMajor, shape);
            Npy.Write<double>(dir.File($"s{s}_f8_C.npy"), rowMajor, shape);
            Npy.Write<double>(dir.File($"s{s}_f8_F.npy"), columnMajor, shape, fortranOrder: true);
            Npy.Write<float>(dir.File($"s{s}_f4_C.npy"), ToSingle(rowMajor), shape);
            Npy.Write<float>(dir.File($"s{s}_f4_F.npy"), ToSingle(columnMajor), shape, fortranOrder: true);
        }

        using (var v2 = File.Create(dir.File("v2.npy")))
            Npy.WriteData<double>(v2, ColumnMajorOf(RowMajorValues(24), [2, 3, 4]), [2, 3, 4], fortranOrder: true, version: 2);
        Npz.Write(dir.File("plain.npz"), NpzTests.Bundle(), compress: false);
        Npz.Write(dir.File("packed.npz"), NpzTests.Bundle(), compress: true);

        string output = PythonNumPy.Run(Prelude + NumPyValueFunction + PythonShapes() + """
            errors, checks, same_bytes = [], 0, 0
            exact = hasattr(np.lib.format, 'GROWTH_AXIS_MAX_DIGITS')  # header layout of NumPy >= 1.24
            def check(cond, what):
                global checks
                checks += 1
                if not cond:
                    errors.append(what)
            for name, shape in shapes.items():
                base = f(int(np.prod(shape))).reshape(shape)
                for dt in ('f4', 'f8'):
                    for order in 'CF':
                        p = os.path.join(d, f'{name}_{dt}_{order}.npy')
                        a = np.load(p)
                        exp = base.astype(dt)
                        check(a.dtype == np.dtype(dt) and a.shape == shape and np.array_equal(a, exp), f'{p}: values {a!r}')
                        with open(p, 'rb') as fh:
                            np.lib.format.read_magic(fh)
                            _, fo, _ = np.lib.format.read_array_header_1_0(fh)
                        check(fo == (order == 'F'), f'{p}: fortran_order {fo}')
                        ref = np.array(exp, order=order)  # (np.ascontiguousarray would make a 0-d array 1-d)
                        if exact and np.isfortran(ref) == (order == 'F'):
                            buf = io.BytesIO()
                            np.save(buf, ref)
                            with open(p, 'rb') as fh:
                                if fh.read() != buf.getvalue():
                                    errors.append(f'{p}: bytes differ from np.save')
                            same_bytes += 1
            with open(os.path.join(d, 'v2.npy'), 'rb') as fh:
                check(np.lib.format.read_magic(fh) == (2, 0), 'v2 magic')
            check(np.array_equal(np.load(os.path.join(d, 'v2.npy')), f(24).reshape(2, 3, 4)), 'v2 values')
            for fn, method in (('plain.npz', zipfile.ZIP_STORED), ('packed.npz', zipfile.ZIP_DEFLATED)):
                p = os.path.join(d, fn)
                with zipfile.ZipFile(p) as zf:
                    check(all(i.compress_type == method for i in zf.infolist()), f'{fn}: compression')
                z = np.load(p)
                check(sorted(z.files) == sorted(['A', 'y', 'M_star', 'U0', 'V0', 'omega']), f'{fn}: names {z.files}')
                check(z['A'].dtype == np.float32 and np.array_equal(z['A'], f(72).astype('f4').reshape(6, 3, 4)), f'{fn}: A')
                check(np.array_equal(z['y'], f(6)), f'{fn}: y')
                check(np.isfortran(z['M_star']) and np.array_equal(z['M_star'], f(12).reshape(3, 4)), f'{fn}: M_star')
                check(np.array_equal(z['U0'], f(6).reshape((3, 2), order='F')), f'{fn}: U0')
                check(np.array_equal(z['V0'], f(8).reshape(4, 2)), f'{fn}: V0')
                check(z['omega'].dtype == np.int64 and list(z['omega']) == [0, 5, 7], f'{fn}: omega')
            if errors:
                print('\n'.join(errors))
                sys.exit(1)
            print(f'checked {checks} byte-identical {same_bytes} exact {int(exact)}')
            """.Replace("\r", "", StringComparison.Ordinal), dir.Path);

        TestContext.Out.WriteLine(output);
        int expectedChecks = (Shapes.Length * 4 * 2) + 2 + (2 * 8); // files × (values, order flag); v2; npz × (compression, 7 arrays)
        Assert.That(output, Does.StartWith($"checked {expectedChecks} "));
        if (output.Contains("exact 1", StringComparison.Ordinal))
            Assert.That(output, Does.Not.Contain("byte-identical 0 "), "np.save bytes were compared for most files");
    }
}
