/* Start-up check of the NativeAOT msense on x86-64, linked into the executable by MatrixSensing.Cli.csproj.
 *
 * The executable is compiled for x86-64-v3 (AVX2, FMA, BMI1/2, LZCNT, MOVBE, F16C). On an older CPU the .NET
 * runtime would stop with "The required instruction sets are not supported by the current CPU" and abort with a
 * core dump. This constructor runs before the runtime starts, names the first missing extension and the way out,
 * and exits with msense's code for "could not run" (1). */
#include <cpuid.h>
#include <stdio.h>
#include <unistd.h>

static unsigned long long xcr0(void)
{
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

static const char *first_missing(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return "CPUID leaf 1";
    if (!(c & bit_SSE4_2) || !(c & bit_POPCNT)) return "SSE4.2/POPCNT";
    if (!(c & bit_FMA)) return "FMA";
    if (!(c & bit_MOVBE)) return "MOVBE";
    if (!(c & bit_F16C)) return "F16C";
    /* AVX needs the OS to save the YMM registers: OSXSAVE, then XCR0 bits 1 (SSE) and 2 (AVX). */
    if (!(c & bit_AVX) || !(c & bit_OSXSAVE) || (xcr0() & 6) != 6) return "AVX (or its enabling by the OS)";
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return "CPUID leaf 7";
    if (!(b & bit_AVX2)) return "AVX2";
    if (!(b & bit_BMI) || !(b & bit_BMI2)) return "BMI1/BMI2";
    if (!__get_cpuid(0x80000001, &a, &b, &c, &d) || !(c & bit_LZCNT)) return "LZCNT";
    return NULL;
}

__attribute__((constructor)) static void msense_require_x86_64_v3(void)
{
    const char *missing = first_missing();
    if (missing == NULL) return;
    fprintf(stderr,
            "msense: this executable is built for x86-64-v3 CPUs (AVX2, FMA, BMI2: Intel Haswell, AMD Excavator or "
            "newer) and this CPU lacks %s; use the JIT-compiled tool (dotnet tool install -g msense) or publish with "
            "-p:IlcInstructionSet=x86-64-v2\n",
            missing);
    _exit(1);
}
