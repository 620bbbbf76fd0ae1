using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MatrixSensing.Random;

/// <summary>
/// The 128-layer ziggurat for the standard normal (Marsaglia &amp; Tsang 2000, with Doornik's 2005 fix: the layer
/// index, the sign and the uniform come from disjoint bits of one random word).
/// </summary>
/// <remarks>
/// <para>Layer i (0 ≤ i &lt; 128) is the box [0, X[i]] × [F[i], F[i+1]] (F = exp(−x²/2)); every layer has the same
/// area v, layer 0 being the base strip whose part beyond R = X[1] stands for the tail. A candidate is x = u·X[i] with u
/// uniform; it is accepted at once when x &lt; X[i+1] (the rectangle inside the curve). Otherwise it is a miss, resolved
/// by <see cref="ResolveMisses"/>: the tail for i = 0 beyond R, the wedge test for i ≥ 1, a fresh scalar draw when the
/// wedge test fails. The wedge test uses a portable exp (additions and multiplications only), so results do not depend
/// on the platform's libm.</para>
/// <para>The tables are embedded as IEEE bit patterns so they are identical on every platform. They were computed in
/// double precision: R solved by bisection so that the layer recursion X[i+1] = sqrt(−2 ln(F[i] + v/X[i])) closes at
/// the top (|F[127] + v/X[127] − 1| ≈ 1e-15), with R = 3.442619855896652, v = R·F(R) + sqrt(π/2)·erfc(R/√2) =
/// 0.00991256303533647, X[0] = v/F(R), X[128] = 0.</para>
/// </remarks>
internal static unsafe class Ziggurat
{
    /// <summary>Number of layers; the layer index takes the low 7 bits of a random word.</summary>
    public const int Layers = 128;

    /// <summary>Start of the tail, X[1].</summary>
    public const double R = 3.442619855896652;

    private static ReadOnlySpan<ulong> XBits =>
    [
        0x400DB4668FE7D165, 0x400B8A7C476D1740, 0x4009C8E0C7C7F35D, 0x4008AA73E440E862,
        0x4007D45EB36E9FF3, 0x4007279DD4AC2678, 0x400695C2BE68D3E3, 0x400616DFF7C8DAB2,
        0x4005A61EDF7E73F3, 0x400540520129E8C7, 0x4004E3456B0E1DA7, 0x40048D61806D430B,
        0x40043D75B60BAC8C, 0x4003F29848D395FD, 0x4003AC11B8E1E838, 0x4003694F3A3721B9,
        0x400329D9725E1357, 0x4002ED4DF8097553, 0x4002B35AA5EBCDA4, 0x40027BBA2B5D9B7D,
        0x400246317A6B3231, 0x4002128DD36BBD01, 0x4001E0A342CEE675, 0x4001B04B731F48D3,
        0x40018164BE0BF8C9, 0x400153D16D455057, 0x4001277720181096, 0x4000FC3E4D95CDA5,
        0x4000D211DD288AC5, 0x4000A8DED0EC115A, 0x40008093FE3E1AAA, 0x40005921D1C4B0BB,
        0x4000327A1CC4A837, 0x40000C8FEA16F934, 0x3FFFCEAEB2CA0EE4, 0x3FFF858AFF317ACA,
        0x3FFF3DA09745B607, 0x3FFEF6DCDDC7807F, 0x3FFEB12E914817B0, 0x3FFE6C85A8495B0E,
        0x3FFE28D331C61C38, 0x3FFDE609397DB2B5, 0x3FFDA41AAF794B3D, 0x3FFD62FB5257B279,
        0x3FFD229F9BFE95C6, 0x3FFCE2FCB05F3114, 0x3FFCA4084E08C207, 0x3FFC65B8C04D5D84,
        0x3FFC2804D2C6531D, 0x3FFBEAE3C60C717A, 0x3FFBAE4D457E8093, 0x3FFB72395DF55594,
        0x3FFB36A075492A99, 0x3FFAFB7B428F83AD, 0x3FFAC0C2C6FBFE61, 0x3FFA8670475107FC,
        0x3FFA4C7D45CFB2A6, 0x3FFA12E37C97CAA0, 0x3FF9D99CD86AEEA8, 0x3FF9A0A373C6D3CC,
        0x3FF967F1924C0E63, 0x3FF92F819C67BDFD, 0x3FF8F74E1B375765, 0x3FF8BF51B49E8282,
        0x3FF8878727879E87, 0x3FF84FE948480028, 0x3FF81872FD216669, 0x3FF7E11F3ADA7506,
        0x3FF7A9E9016840D8, 0x3FF772CB58A3242C, 0x3FF73BC14D012781, 0x3FF704C5EC504E91,
        0x3FF6CDD4426B0A03, 0x3FF696E755E0EB25, 0x3FF65FFA248D7F45, 0x3FF62907A016EAC2,
        0x3FF5F20AAA4D763A, 0x3FF5BAFE1164C046, 0x3FF583DC8BFEA84A, 0x3FF54CA0B4FF476C,
        0x3FF515450720665A, 0x3FF4DDC3D839CB5A, 0x3FF4A61754327461, 0x3FF46E39778D4BA3,
        0x3FF4362409821675, 0x3FF3FDD0959138FE, 0x3FF3C538647E5B56, 0x3FF38C54749AF149,
        0x3FF3531D7146028B, 0x3FF3198BA9823479, 0x3FF2DF97057DD761, 0x3FF2A536FAE26377,
        0x3FF26A627FB9231F, 0x3FF22F0FFBA96CEB, 0x3FF1F33537495BFC, 0x3FF1B6C7492BDE7C,
        0x3FF179BA80458347, 0x3FF13C024B2BBE01, 0x3FF0FD911B972D1A, 0x3FF0BE58456F2AFE,
        0x3FF07E47D8797270, 0x3FF03D4E7390F213, 0x3FEFF6B21FFE30F3, 0x3FEF70A5866AD190,
        0x3FEEE848E954B863, 0x3FEE5D6909F3442B, 0x3FEDCFCCC51A7486, 0x3FED3F340DD86C73,
        0x3FECAB56AC6833AC, 0x3FEC13E2B012D152, 0x3FEB787A7C4F44AC, 0x3FEAD8B25067D38C,
        0x3FEA340D1BAD0398, 0x3FE989F85C72C98C, 0x3FE8D9C6A9D0CF6E, 0x3FE822A858AC5ED0,
        0x3FE763A1600C176A, 0x3FE69B7B213C3F6B, 0x3FE5C8AFDBECEF75, 0x3FE4E94C08BD4D7F,
        0x3FE3FABEE18D6836, 0x3FE2F98D6BB0E742, 0x3FE1E0CE6B54EC5D, 0x3FE0A936DA5942DE,
        0x3FDE8E576E383113, 0x3FDB4C8FECD63B20, 0x3FD73949183ADDC3, 0x3FD16DB47DFB32F6,
        0x0000000000000000,
    ];

    private static ReadOnlySpan<ulong> FBits =>
    [
        0x3F509E80C5BB1FCF, 0x3F65DE9E33733189, 0x3F76BA8B0FFC2DBE, 0x3F81A9B6B3FCB82A,
        0x3F883F4BED1A0F0F, 0x3F8F100847656BF7, 0x3F9309CEE4E1477F, 0x3F96A23FA9D6C235,
        0x3F9A4F57A25E8F38, 0x3F9E0F951D58F855, 0x3FA0F0E539C938C7, 0x3FA2E282B7255DA8,
        0x3FA4DC3FCBDA5A0E, 0x3FA6DDC9DD20B8C9, 0x3FA8E6DB483CAC15, 0x3FAAF738C17B4EA7,
        0x3FAD0EAF633A6B8F, 0x3FAF2D13368CF943, 0x3FB0A91F0918DAE8, 0x3FB1BF075C21538B,
        0x3FB2D834113457CD, 0x3FB3F49878976D2F, 0x3FB514297B246585, 0x3FB636DD69E998CB,
        0x3FB75CABD60F402C, 0x3FB8858D6F55ED85, 0x3FB9B17BE7E73957, 0x3FBAE071DC7BF93A,
        0x3FBC126AC0128A7C, 0x3FBD4762CA995A10, 0x3FBE7F56EA118C3D, 0x3FBFBA44B5C61806,
        0x3FC07C1531A357F3, 0x3FC11C835E726131, 0x3FC1BE6C8CBE5A3F, 0x3FC261D0AAAF761F,
        0x3FC306AFE619EFE8, 0x3FC3AD0AA9DE4559, 0x3FC454E19BAADB51, 0x3FC4FE359A145655,
        0x3FC5A907BAFBA9DE, 0x3FC655594A3A504C, 0x3FC7032BC88E51F7, 0x3FC7B280EAC0C6F7,
        0x3FC8635A99025D7C, 0x3FC915BAEE7A2DDE, 0x3FC9C9A43903CAE1, 0x3FCA7F18F91A0D69,
        0x3FCB361BE1EC9A66, 0x3FCBEEAFD99E93B3, 0x3FCCA8D7F9AD4B3F, 0x3FCD64978F7E2D90,
        0x3FCE21F21D136FA2, 0x3FCEE0EB59E75DB0, 0x3FCFA18733EE75D2, 0x3FD031E4E8606254,
        0x3FD093DBC775A1F6, 0x3FD0F6AA83B52201, 0x3FD15A5387A71A06, 0x3FD1BED95CC633CB,
        0x3FD2243EAC7EE3FE, 0x3FD28A864146D916, 0x3FD2F1B307CDCC45, 0x3FD359C810492F8C,
        0x3FD3C2C88FDC65E5, 0x3FD42CB7E21F69BD, 0x3FD497998AC6017A, 0x3FD503713769E39C,
        0x3FD57042C17A74D0, 0x3FD5DE1230551A97, 0x3FD64CE3BB89770B, 0x3FD6BCBBCD4D4691,
        0x3FD72D9F052408DA, 0x3FD79F923ABF1D0D, 0x3FD8129A811B882A, 0x3FD886BD29E33E61,
        0x3FD8FBFFC9188007, 0x3FD972683912AC14, 0x3FD9E9FC9ED4D92D, 0x3FDA62C36EC797E5,
        0x3FDADCC371E07B7F, 0x3FDB5803CB43706C, 0x3FDBD48BFE6B8A8C, 0x3FDC5263F5EAD9F7,
        0x3FDCD1940AD3092C, 0x3FDD52250CDB1918, 0x3FDDD4204B599165, 0x3FDE578F9F2E039D,
        0x3FDEDC7D75B8E9B9, 0x3FDF62F4DD05D60B, 0x3FDFEB019151C569, 0x3FE03A58060F3048,
        0x3FE08006CA85AC68, 0x3FE0C6942A5C900C, 0x3FE10E07B50236BF, 0x3FE1566980FC6947,
        0x3FE19FC2397562A0, 0x3FE1EA1B2D9FE532, 0x3FE2357E62437DBF, 0x3FE281F6A5D3388E,
        0x3FE2CF8FA7868BFF, 0x3FE31E5612075DA9, 0x3FE36E57AA6A89B5, 0x3FE3BFA3745495C9,
        0x3FE41249DC6579C3, 0x3FE4665CEA512CC3, 0x3FE4BBF07C6D4680, 0x3FE5131A8EFF8ED5,
        0x3FE56BF3924AD85F, 0x3FE5C696D34A27F8, 0x3FE62322FC5A83AF, 0x3FE681BAB4ED2FEF,
        0x3FE6E2856A01CB26, 0x3FE745B04D03EA3C, 0x3FE7AB6F9C66E437, 0x3FE81400521B52B2,
        0x3FE87FAA61A8CF9D, 0x3FE8EEC3C5BDA1F2, 0x3FE961B4C1B19F2C, 0x3FE9D8FDFAEE4AF2,
        0x3FEA55418112BA04, 0x3FEAD750B7275DCC, 0x3FEB6042CF92620C, 0x3FEBF19B68133486,
        0x3FEC8D923FA08976, 0x3FED37A74FFE4864, 0x3FEDF6071937F4C3, 0x3FEED5CF061144D7,
        0x3FF0000000000000,
    ];

    /// <summary>Layer right edges X[0..128] (X[0] = v/F(R) &gt; R = X[1], X[128] = 0).</summary>
    internal static readonly double* X = Load(XBits);

    /// <summary>F[i] = exp(−X[i]²/2), F[128] = 1.</summary>
    internal static readonly double* F = Load(FBits);

    /// <summary>float fast-path thresholds: accept the 24-bit uniform m of layer i when m &lt; K24[i], which implies
    /// m·2^-24·X[i] &lt; X[i+1].</summary>
    internal static readonly int* K24 = Thresholds(24);

    /// <summary>double fast-path thresholds on the top 32 bits of the 52-bit uniform: accept when
    /// (word &gt;&gt; 32) &lt; K32[i] (a conservative test: it implies m·2^-52·X[i] &lt; X[i+1]).</summary>
    internal static readonly uint* K32 = (uint*)Thresholds(32);

    /// <summary>K32[i]·2^20: the same test on the whole 52-bit uniform m, for gathers of 64-bit entries.</summary>
    internal static readonly long* K52 = Widen(K32);

    private static double* Load(ReadOnlySpan<ulong> bits)
    {
        var values = (double*)NativeMemory.Alloc((nuint)bits.Length, sizeof(double));
        for (int i = 0; i < bits.Length; i++)
        {
            values[i] = BitConverter.UInt64BitsToDouble(bits[i]);
        }

        return values;
    }

    private static int* Thresholds(int bits)
    {
        var k = (int*)NativeMemory.Alloc(Layers, sizeof(int));
        for (int i = 0; i < Layers; i++)
        {
            k[i] = (int)(uint)(X[i + 1] / X[i] * (1UL << bits));
        }

        return k;
    }

    private static long* Widen(uint* k32)
    {
        var k = (long*)NativeMemory.Alloc(Layers, sizeof(long));
        for (int i = 0; i < Layers; i++)
        {
            k[i] = (long)k32[i] << 20;
        }

        return k;
    }

    /// <summary>
    /// Resolves the misses of one batch. <paramref name="misses"/> lists, in increasing order, the positions whose
    /// candidate (magnitude <c>magnitudes[k]</c>, layer <c>layers[k]</c>, sign bit <c>negative[k]</c>) missed the fast
    /// path. Miss k always consumes one uniform from <paramref name="uniforms"/>; candidates rejected by the wedge test
    /// (or in the tail) are redrawn from <paramref name="restarts"/> in position order. The consumption of either
    /// generator depends only on the sequence of misses, not on how the values are split into batches.
    /// </summary>
    [SkipLocalsInit]
    public static void ResolveMisses<T>(int* misses, int count, int* layers, double* magnitudes, bool* negative, T* destination,
        double standardDeviation, ref Xoshiro256 uniforms, ref Xoshiro256 restarts)
        where T : unmanaged
    {
        int* redraw = stackalloc int[count];
        double* density = stackalloc double[count];
        ExpNegativeHalfSquare(magnitudes, density, count);
        int redraws = 0;
        Xoshiro256 u = uniforms;
        for (int k = 0; k < count; k++)
        {
            int i = layers[k];
            double x = magnitudes[k];
            double y = F[i] + (u.NextDouble() * (F[i + 1] - F[i]));
            bool accept = i == 0 ? x < R : y < density[k];
            Store(destination, misses[k], negative[k] ? -x * standardDeviation : x * standardDeviation);
            redraw[redraws] = k;
            redraws += accept ? 0 : 1;
        }

        uniforms = u;
        for (int r = 0; r < redraws; r++)
        {
            int k = redraw[r];
            double magnitude = layers[k] == 0 ? Tail(ref restarts) : Math.Abs(NextStandard(ref restarts));
            Store(destination, misses[k], negative[k] ? -magnitude * standardDeviation : magnitude * standardDeviation);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(T* destination, int position, double value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            ((float*)destination)[position] = (float)value;
        }
        else
        {
            ((double*)destination)[position] = value;
        }
    }

    /// <summary>A standard normal variate drawn entirely from <paramref name="g"/> (53-bit uniform per candidate).</summary>
    public static double NextStandard(ref Xoshiro256 g)
    {
        while (true)
        {
            ulong w = g.Next();
            int i = (int)(w & (Layers - 1));
            double sign = (w & 0x80) != 0 ? -1.0 : 1.0;
            double x = (w >> 11) * (1.0 / (1UL << 53)) * X[i];
            if (x < X[i + 1])
            {
                return sign * x;
            }

            if (i == 0)
            {
                return sign * Tail(ref g);
            }

            if (F[i] + (g.NextDouble() * (F[i + 1] - F[i])) < ExpNegativeHalfSquare(x))
            {
                return sign * x;
            }
        }
    }

    /// <summary>Marsaglia's (1964) tail method for x &gt; R.</summary>
    private static double Tail(ref Xoshiro256 g)
    {
        double a, b;
        do
        {
            a = -Math.Log(g.NextOpenClosed()) * (1.0 / R);
            b = -Math.Log(g.NextOpenClosed());
        }
        while (b + b < a * a);

        return R + a;
    }

    /// <summary>
    /// exp(−x²/2) for |x| ≤ 38, to about one ulp, from additions and multiplications only (no fused multiply-add), so
    /// its value is the same on every platform and in every vector width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ExpNegativeHalfSquare(double x)
    {
        double t = -0.5 * x * x;
        double shifted = (t * Log2E) + Shifter;
        double n = shifted - Shifter;
        double r = (t - (n * Ln2Hi)) - (n * Ln2Lo);
        double p = C13;
        p = (p * r) + C12;
        p = (p * r) + C11;
        p = (p * r) + C10;
        p = (p * r) + C9;
        p = (p * r) + C8;
        p = (p * r) + C7;
        p = (p * r) + C6;
        p = (p * r) + C5;
        p = (p * r) + C4;
        p = (p * r) + C3;
        p = (p * r) + C2;
        p = (p * r) + 1.0;
        p = (p * r) + 1.0;
        long e = (long)(BitConverter.DoubleToUInt64Bits(shifted) - BitConverter.DoubleToUInt64Bits(Shifter));
        return p * BitConverter.Int64BitsToDouble((e + 1023) << 52);
    }

    /// <summary><c>e[k] = ExpNegativeHalfSquare(x[k])</c>, vectorized; bit-identical to the scalar function.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ExpNegativeHalfSquare(double* x, double* e, int count)
    {
        int k = 0;
        if (SimdSelector.Current == SimdPath.Avx512)
        {
            for (; k <= count - 8; k += 8)
            {
                ExpNegativeHalfSquare(Vector512.Load(x + k)).Store(e + k);
            }
        }
        else if (SimdSelector.Current == SimdPath.Avx2)
        {
            for (; k <= count - 4; k += 4)
            {
                ExpNegativeHalfSquare(Vector256.Load(x + k)).Store(e + k);
            }
        }

        for (; k < count; k++)
        {
            e[k] = ExpNegativeHalfSquare(x[k]);
        }
    }

    /// <summary>The vector form of <see cref="ExpNegativeHalfSquare(double)"/>: the same operations lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> ExpNegativeHalfSquare(Vector512<double> x)
    {
        var shifter = Vector512.Create(Shifter);
        var t = Vector512.Create(-0.5) * x * x;
        var shifted = (t * Vector512.Create(Log2E)) + shifter;
        var n = shifted - shifter;
        var r = (t - (n * Vector512.Create(Ln2Hi))) - (n * Vector512.Create(Ln2Lo));
        var p = Vector512.Create(C13);
        p = (p * r) + Vector512.Create(C12);
        p = (p * r) + Vector512.Create(C11);
        p = (p * r) + Vector512.Create(C10);
        p = (p * r) + Vector512.Create(C9);
        p = (p * r) + Vector512.Create(C8);
        p = (p * r) + Vector512.Create(C7);
        p = (p * r) + Vector512.Create(C6);
        p = (p * r) + Vector512.Create(C5);
        p = (p * r) + Vector512.Create(C4);
        p = (p * r) + Vector512.Create(C3);
        p = (p * r) + Vector512.Create(C2);
        p = (p * r) + Vector512<double>.One;
        p = (p * r) + Vector512<double>.One;
        var e = shifted.AsInt64() - shifter.AsInt64();
        return p * ((e + Vector512.Create(1023L)) << 52).AsDouble();
    }

    /// <inheritdoc cref="ExpNegativeHalfSquare(Vector512{double})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> ExpNegativeHalfSquare(Vector256<double> x)
    {
        var shifter = Vector256.Create(Shifter);
        var t = Vector256.Create(-0.5) * x * x;
        var shifted = (t * Vector256.Create(Log2E)) + shifter;
        var n = shifted - shifter;
        var r = (t - (n * Vector256.Create(Ln2Hi))) - (n * Vector256.Create(Ln2Lo));
        var p = Vector256.Create(C13);
        p = (p * r) + Vector256.Create(C12);
        p = (p * r) + Vector256.Create(C11);
        p = (p * r) + Vector256.Create(C10);
        p = (p * r) + Vector256.Create(C9);
        p = (p * r) + Vector256.Create(C8);
        p = (p * r) + Vector256.Create(C7);
        p = (p * r) + Vector256.Create(C6);
        p = (p * r) + Vector256.Create(C5);
        p = (p * r) + Vector256.Create(C4);
        p = (p * r) + Vector256.Create(C3);
        p = (p * r) + Vector256.Create(C2);
        p = (p * r) + Vector256<double>.One;
        p = (p * r) + Vector256<double>.One;
        var e = shifted.AsInt64() - shifter.AsInt64();
        return p * ((e + Vector256.Create(1023L)) << 52).AsDouble();
    }

    private const double Shifter = 6755399441055744.0; // 1.5·2^52: adding it rounds to an integer
    private const double Log2E = 1.4426950408889634;
    private const double Ln2Hi = 6.93147180369123816490e-01; // fdlibm's split of ln 2: n·Ln2Hi is exact
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double C2 = 1.0 / 2;
    private const double C3 = 1.0 / 6;
    private const double C4 = 1.0 / 24;
    private const double C5 = 1.0 / 120;
    private const double C6 = 1.0 / 720;
    private const double C7 = 1.0 / 5040;
    private const double C8 = 1.0 / 40320;
    private const double C9 = 1.0 / 362880;
    private const double C10 = 1.0 / 3628800;
    private const double C11 = 1.0 / 39916800;
    private const double C12 = 1.0 / 479001600;
    private const double C13 = 1.0 / 6227020800;
}
