using System.Text;
using MatrixSensing.IO;
using static MatrixSensing.Tests.IO.NpyTestSupport;

namespace MatrixSensing.Tests.IO;

/// <summary>One test per kind of damaged or lying .npy file: each must throw <see cref="NpyFormatException"/> naming the problem.</summary>
public class NpyBadFileTests
{
    /// <summary>A .npy image with a hand-written header dict, padded as NumPy pads it, followed by <paramref name="data"/>.</summary>
    internal static byte[] Image(string dict, ReadOnlySpan<byte> data, byte major = 1)
    {
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] text = major == 3 ? Encoding.UTF8.GetBytes(dict) : Encoding.Latin1.GetBytes(dict);
        int hlen = text.Length + 1;
        hlen += (64 - ((8 + lengthBytes + hlen) % 64)) % 64;
        var image = new List<byte>(8 + lengthBytes + hlen + data.Length);
        image.AddRange([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0]);
        if (major == 1) image.AddRange(BitConverter.GetBytes((ushort)hlen));
        else image.AddRange(BitConverter.GetBytes((uint)hlen));
        image.AddRange(text);
        image.AddRange(Enumerable.Repeat((byte)' ', hlen - text.Length - 1));
        image.Add((byte)'\n');
        image.AddRange(data.ToArray());
        return [.. image];
    }

    internal static string Dict(string descr, string shape, string fortran = "False") =>
        $"{{'descr': {descr}, 'fortran_order': {fortran}, 'shape': {shape}, }}";

    private static byte[] Doubles(int n) => new byte[n * 8];

    private static NpyFormatException Fails(byte[] image, NpyReadOptions? options = null, bool seekable = true)
    {
        Stream s = seekable ? new MemoryStream(image) : new NonSeekableStream(new MemoryStream(image));
        using (s)
        {
            var e = Assert.Throws<NpyFormatException>(() => Npy.Read(s, options));
            Assert.That(e!.Message, Does.StartWith("<stream>: "));
            Assert.That(e.Location, Is.EqualTo("<stream>"));
            return e;
        }
    }

    private static void FailsWith(byte[] image, params string[] fragments)
    {
        string message = Fails(image).Message;
        foreach (string f in fragments) Assert.That(message, Does.Contain(f));
    }

    [Test]
    public void Sanity_the_image_helper_makes_a_readable_file()
    {
        byte[] data = new byte[24];
        BitConverter.GetBytes(2.5).CopyTo(data, 16);
        NpyArray a = Npy.Read(new MemoryStream(Image(Dict("'<f8'", "(3,)"), data)));
        Assert.That(a.ToArray<double>(), Is.EqualTo(new[] { 0, 0, 2.5 }));
    }

    [Test]
    public void Bad_magic() =>
        FailsWith([.. "PK\u0003\u0004 this is a zip, not a npy file"u8], "not a .npy file", "PK\\x03\\x04", "\\x93NUMPY");

    [Test]
    public void Magic_with_one_wrong_letter()
    {
        byte[] image = Image(Dict("'<f8'", "(1,)"), Doubles(1));
        image[5] = (byte)'Z';
        FailsWith(image, "not a .npy file", "NUMPZ");
    }

    [Test]
    public void Empty_file() => FailsWith([], "empty");

    [Test]
    public void Unsupported_format_version()
    {
        byte[] image = Image(Dict("'<f8'", "(1,)"), Doubles(1));
        image[6] = 4;
        image[7] = 1;
        FailsWith(image, "version 4.1");
    }

    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), ", "unexpected end")]
    [TestCase("just some text", "unexpected character")]
    [TestCase("{'descr': '<f8' 'fortran_order': False, 'shape': (3,), }", "expected ','")]
    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), } trailing", "after the literal")]
    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (3,.5), }", "offset")]
    [TestCase("{'descr': '<f8, 'fortran_order': False, 'shape': (3,), }", "expected ','")]
    [TestCase("{'descr': '<f8', 'fortran_order': Fals, 'shape': (3,), }", "unexpected character 'F'")]
    [TestCase("{'descr': '<f8', 'descr': '<f8', 'shape': (3,), }", "duplicate key")]
    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': ((((((((((((((((((((3,)))))))))))))))))))), }", "nesting too deep")]
    public void Header_dict_unparsable(string dict, string detail) =>
        FailsWith(Image(dict, Doubles(3)), "not a Python dict literal", detail);

    [Test]
    public void Header_is_a_list_not_a_dict() =>
        FailsWith(Image("['descr', '<f8']", Doubles(1)), "not a Python dict literal");

    [TestCase("{'descr': '<f8', 'shape': (3,), }", "'descr', 'shape'")]
    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'extra': 1, }", "'extra'")]
    public void Header_keys_wrong(string dict, string listed) =>
        FailsWith(Image(dict, Doubles(3)), "exactly the keys", listed);

    [TestCase("(3,)", "'1'", "'fortran_order' is not True or False")]
    [TestCase("3", "False", "'shape' is not a tuple")]
    [TestCase("[3]", "False", "'shape' is not a tuple")]
    [TestCase("(3)", "False", "'shape' is not a tuple")]
    [TestCase("(3, 'a')", "False", "dimension 1 of the shape is not an integer")]
    public void Header_values_of_the_wrong_kind(string shape, string fortran, string message) =>
        FailsWith(Image(Dict("'<f8'", shape, fortran), Doubles(3)), message);

    [Test]
    public void Shape_larger_than_the_data() =>
        FailsWith(Image(Dict("'<f8'", "(10,)"), Doubles(3)), "shape (10,) of float64 = 80 bytes of data", "only 24 bytes follow the header");

    [Test]
    public void Data_missing_entirely_for_a_large_but_allowed_shape() =>
        FailsWith(Image(Dict("'<f8'", "(100000000,)"), []), "800000000 bytes of data", "only 0 bytes follow");

    [Test]
    public void Negative_dimension() =>
        FailsWith(Image(Dict("'<f8'", "(3, -1)"), Doubles(3)), "dimension 1 of the shape is negative (-1)");

    [Test]
    public void Huge_dimension_is_refused_by_the_size_limit() =>
        FailsWith(Image(Dict("'<f8'", "(999999999999, 3)"), Doubles(3)), "(999999999999, 3)", "23999999999976 bytes", "MaxBytes", "8589934592");

    [Test]
    public void Huge_dimension_beyond_dotnet_arrays_even_without_a_size_limit()
    {
        var options = new NpyReadOptions { MaxBytes = long.MaxValue };
        string message = Fails(Image(Dict("'|u1'", "(999999999999,)"), new byte[8]), options).Message;
        Assert.That(message, Does.Contain("999999999999 elements").And.Contain(Array.MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Element_count_product_overflows_64_bits() =>
        FailsWith(Image(Dict("'<f8'", "(4294967296, 4294967296, 4)"), Doubles(1)), "more bytes than fit in 64 bits");

    [Test]
    public void Byte_count_overflows_64_bits_though_elements_fit() =>
        FailsWith(Image(Dict("'<f8'", "(2305843009213693952,)"), Doubles(1)), "more bytes than fit in 64 bits");

    [Test]
    public void Dimension_beyond_64_bits() =>
        FailsWith(Image(Dict("'<f8'", "(99999999999999999999999,)"), Doubles(1)), "dimension 0 of the shape (99999999999999999999999) does not fit in 64 bits");

    [Test]
    public void Zero_extent_with_overflowing_others_is_an_empty_array()
    {
        NpyArray a = Npy.Read(new MemoryStream(Image(Dict("'<f8'", "(0, 9223372036854775807, 9223372036854775807)"), [])));
        Assert.That(a.Length, Is.Zero);
    }

    [TestCase("'<c16'", "complex")]
    [TestCase("'|O'", "Python objects")]
    [TestCase("'<U8'", "Unicode strings")]
    [TestCase("'|S4'", "byte strings")]
    [TestCase("'<M8[ns]'", "datetimes")]
    [TestCase("'<f3'", "unsupported size")]
    [TestCase("'<f16'", "unsupported size")]
    [TestCase("''", "empty")]
    [TestCase("3", "'descr' is not a dtype string")]
    [TestCase("[('a', '<f8'), ('b', '<i4')]", "structured dtypes")]
    public void Unsupported_dtype(string descr, string kind) =>
        FailsWith(Image(Dict(descr, "(1,)"), Doubles(2)), kind);

    [Test]
    public void Header_length_beyond_the_file()
    {
        byte[] image = Image(Dict("'<f8'", "(1,)"), Doubles(1));
        BitConverter.GetBytes((ushort)5000).CopyTo(image, 8);
        FailsWith(image, "header length field says 5000 bytes", $"only {image.Length - 10} bytes follow it");
    }

    [Test]
    public void Header_length_beyond_the_file_on_a_non_seekable_stream()
    {
        byte[] image = Image(Dict("'<f8'", "(1,)"), Doubles(1));
        BitConverter.GetBytes((ushort)5000).CopyTo(image, 8);
        Assert.That(Fails(image, seekable: false).Message, Does.Contain("header should be 5000 bytes").And.Contain($"after {image.Length - 10} of them"));
    }

    [Test]
    public void Header_length_absurd_in_version_2()
    {
        byte[] image = Image(Dict("'<f8'", "(1,)"), Doubles(1), major: 2);
        BitConverter.GetBytes(uint.MaxValue).CopyTo(image, 8);
        FailsWith(image, "says 4294967295 bytes", "refused");
    }

    [TestCase(3, "ends after 3 bytes, inside the magic string and version")]
    [TestCase(7, "ends after 7 bytes, inside the magic string and version")]
    [TestCase(9, "inside the header length field")]
    [TestCase(40, "header should be 118 bytes, but the file ends after 30 of them")]
    [TestCase(148, "data should be 24 bytes, but the file ends after 20 of them")]
    public void Truncated_at(int length, string message)
    {
        byte[] image = Image(Dict("'<f8'", "(3,)"), Doubles(3));
        Assert.That(image, Has.Length.EqualTo(128 + 24), "fixture: a 128-byte preamble");
        byte[] cut = image[..length];
        Assert.That(Fails(cut, seekable: false).Message, Does.Contain("truncated").And.Contain(message));
        if (length > 10)
            Assert.That(Fails(cut).Message, Does.Contain("only").And.Contain("follow"), "seekable: refused before reading");
    }

    [Test]
    public void Size_limit_is_configurable_and_refusal_names_the_numbers()
    {
        byte[] image = Image(Dict("'<f8'", "(5, 5)"), Doubles(25));
        string message = Fails(image, new NpyReadOptions { MaxBytes = 100 }).Message;
        Assert.Multiple(() =>
        {
            Assert.That(message, Does.Contain("needs 200 bytes").And.Contain("MaxBytes is 100"));
            Assert.That(Npy.Read(new MemoryStream(image), new NpyReadOptions { MaxBytes = 200 }).Length, Is.EqualTo(25));
            Assert.That(() => new NpyReadOptions { MaxBytes = 0 }, Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void Too_many_dimensions() =>
        FailsWith(Image(Dict("'<f8'", "(" + string.Concat(Enumerable.Repeat("1, ", 65)) + ")"), Doubles(1)), "65 dimensions", "at most 64");

    [Test]
    public void Version_3_header_must_be_utf8()
    {
        byte[] image = Image(Dict("'<f8'", "(1,)"), Doubles(1), major: 3);
        image[12] = 0xff;
        FailsWith(image, "UTF-8");
    }

    [Test]
    public void Lying_shape_on_a_non_seekable_stream_allocates_only_what_arrives()
    {
        // 10^9 doubles = 8e9 bytes: within the default limit, so only the chunked read protects memory.
        byte[] image = Image(Dict("'<f8'", "(1000000000,)"), Doubles(100));
        long before = GC.GetAllocatedBytesForCurrentThread();
        string message = Fails(image, seekable: false).Message;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(message, Does.Contain("data should be 8000000000 bytes, but the file ends after 800"));
            Assert.That(allocated, Is.LessThan(64L << 20), "no allocation near the declared 8 GB");
        });
    }

    [Test]
    public void Message_names_the_file_when_read_by_path()
    {
        using var dir = new TempDirectory();
        string path = dir.File("broken.npy");
        File.WriteAllBytes(path, Image(Dict("'<c16'", "(1,)"), new byte[16]));
        var e = Assert.Throws<NpyFormatException>(() => Npy.Read(path));
        Assert.Multiple(() =>
        {
            Assert.That(e!.Message, Does.StartWith(path + ": ").And.Contain("complex"));
            Assert.That(e.Location, Is.EqualTo(path));
        });
    }

    [Test]
    public void Big_endian_data_is_converted_on_load()
    {
        double[] values = RowMajorValues(6);
        byte[] data = values.SelectMany(v => BitConverter.GetBytes(v).Reverse()).ToArray();
        NpyArray a = Npy.Read(new MemoryStream(Image(Dict("'>f8'", "(2, 3)", "True"), data)));
        Assert.Multiple(() =>
        {
            Assert.That(a.ElementType, Is.EqualTo(NpyElementType.Float64));
            Assert.That(a.FortranOrder, Is.True);
            Assert.That(Bits(a.ToArray<double>()), Is.EqualTo(Bits(values)));
        });
    }

    [Test]
    public void Python2_long_suffix_and_double_quotes_are_read()
    {
        NpyArray a = Npy.Read(new MemoryStream(Image("{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (2L, 1L)}", new byte[8])));
        Assert.That(a.Shape, Is.EqualTo(new long[] { 2, 1 }));
    }
}
