using System.Runtime.InteropServices;

namespace Idp.Operations;

/// <summary>
/// glibc's malloc gives threads that allocate at the same time arenas of their own (up to eight per core) and keeps
/// what each arena freed for its next allocations. OpenSSL allocates through malloc in every signature and hash, on
/// whichever pool thread runs the request, so under load the process holds a dozen arenas of freed memory. Two
/// arenas held 20 MB less at the same throughput in the PostgreSQL benchmark (README, "Benchmark and performance").
/// An operator's <c>MALLOC_ARENA_MAX</c> is glibc's to apply and wins; elsewhere than glibc this does nothing.
/// </summary>
internal static class NativeHeap
{
    public const int Arenas = 2;

    // M_ARENA_MAX in glibc's malloc.h.
    private const int ArenaMaxParameter = -8;

    /// <summary>Called first in Main, before the threads that would take arenas of their own start.</summary>
    public static void LimitArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is not null)
            return;
        try
        {
            _ = SetMallocOption(ArenaMaxParameter, Arenas);
        }
        catch (Exception exception) when (exception is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc (musl has no mallopt): its allocator has no such arenas.
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code enabled for the project; two ints marshal as they are.
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int SetMallocOption(int parameter, int value);
#pragma warning restore SYSLIB1054
}
