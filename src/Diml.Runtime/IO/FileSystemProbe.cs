using System.Runtime.InteropServices;

namespace Diml.IO;

/// <summary>
/// Tells what kind of file a path names, without following a final symbolic link and without opening it
/// (opening a FIFO would block). .NET reports FIFOs and devices as ordinary files, so on Unix this asks
/// <c>lstat</c> through the runtime's own native shim.
/// </summary>
public static class FileSystemProbe
{
    /// <summary>The kind of file at <paramref name="path"/>; <see cref="FileKind.Missing"/> when there is none.</summary>
    public static FileKind KindOf(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsWindows()) return KindFromAttributes(path);
        // Only the first two fields (flags, mode) of the shim's FileStatus are read; the buffer is larger than
        // the whole structure on every platform.
        var status = new byte[StatusBufferBytes];
        if (UnixLStat(path, status) != 0) return FileKind.Missing;
        int type = BitConverter.ToInt32(status, ModeOffset) & TypeMask;
        return type switch
        {
            TypeRegular => FileKind.Regular,
            TypeDirectory => FileKind.Directory,
            TypeLink => FileKind.SymbolicLink,
            TypeFifo => FileKind.Fifo,
            TypeCharacterDevice or TypeBlockDevice => FileKind.Device,
            _ => FileKind.Other,
        };
    }

    /// <summary>A short description for messages, such as <c>a named pipe (FIFO)</c>.</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "nothing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Fifo => "a named pipe (FIFO)",
        FileKind.Device => "a device",
        _ => "a special file (socket or similar)",
    };

    private static FileKind KindFromAttributes(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists && !Directory.Exists(path)) return FileKind.Missing;
        var attributes = File.GetAttributes(path);
        if (attributes.HasFlag(FileAttributes.ReparsePoint)) return FileKind.SymbolicLink;
        if (attributes.HasFlag(FileAttributes.Directory)) return FileKind.Directory;
        if (attributes.HasFlag(FileAttributes.Device)) return FileKind.Device;
        return FileKind.Regular;
    }

    // The shim's FileStatus starts { int Flags; int Mode; ... } and its Mode uses these portable type bits
    // (src/native/libs/System.Native/pal_io.h).
    private const int StatusBufferBytes = 512, ModeOffset = 4, TypeMask = 0xF000;
    private const int TypeFifo = 0x1000, TypeCharacterDevice = 0x2000, TypeDirectory = 0x4000, TypeBlockDevice = 0x6000,
        TypeRegular = 0x8000, TypeLink = 0xA000;

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
    private static extern int UnixLStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] status);
}
