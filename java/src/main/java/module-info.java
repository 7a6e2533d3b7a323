/**
 * jmmap: memory-mapped files and shared memory with POSIX semantics ({@code mmap}, {@code msync}, {@code madvise},
 * {@code mlock}, {@code mincore}, {@code mremap}, {@code flock}, OFD locks, {@code shm_open}, futexes), and the
 * tools built on them: NumPy-compatible typed arrays, a shared-memory channel and parallel gzip.
 *
 * <p>The module exports its API packages only; {@code org.jmmap.internal} (the native backends and the errno
 * table) is not exported, so nothing outside the module can reach the raw system calls. The native library is
 * loaded through JNI (or JNA): on JDK 22 and later run with {@code --enable-native-access=org.jmmap}.
 */
@SuppressWarnings("requires-automatic") // JNA and lz4-java are automatic modules, and optional
module org.jmmap {
    // Optional: the fallback backend where libjmmap.so cannot load, and LZ4 compression for the channel.
    requires static com.sun.jna;
    requires static org.lz4.java;

    exports org.jmmap;
    exports org.jmmap.lock;
    exports org.jmmap.sync;
    exports org.jmmap.array;
    exports org.jmmap.ipc;
    exports org.jmmap.gzip;
}
