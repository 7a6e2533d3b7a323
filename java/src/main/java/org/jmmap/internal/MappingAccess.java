package org.jmmap.internal;

import java.util.Optional;
import org.jmmap.Mapping;

/**
 * What the typed arrays of {@code org.jmmap.array} reach of a {@link Mapping} beyond its API: the identity of its
 * current memory and {@link Elements} over part of it. {@code Mapping} installs the one implementation when it is
 * initialized; the module does not export this package.
 */
public abstract class MappingAccess {

    private static MappingAccess installed;

    /** For {@code Mapping}'s implementation only. */
    protected MappingAccess() {
    }

    /**
     * The implementation, {@code Mapping}'s.
     *
     * @throws IllegalStateException if {@code Mapping} did not install one (a packaging error)
     */
    public static synchronized MappingAccess get() {
        if (installed == null) {
            try {
                Class.forName(Mapping.class.getName(), true, MappingAccess.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        if (installed == null) {
            throw new IllegalStateException("org.jmmap.Mapping installed no MappingAccess");
        }
        return installed;
    }

    /**
     * Installs {@code access}, once.
     *
     * @throws IllegalStateException if one is installed already
     */
    public static synchronized void install(MappingAccess access) {
        if (installed != null) {
            throw new IllegalStateException("MappingAccess installed already");
        }
        installed = access;
    }

    /**
     * The memory {@code mapping} accesses now: an object that changes when it is resized or closed, for comparison
     * with {@link Elements#owner()}. A plain read, as the mapping's own element access.
     */
    public abstract Object memory(Mapping mapping);

    /**
     * The elements of {@code itemSize} bytes in {@code [offset, offset + length)} of {@code mapping}'s current
     * memory, or empty if that range is not one this build can view at once (beyond 2 GiB on JDK 17, or not in
     * the mapping any more).
     *
     * @throws IllegalStateException if the mapping is closed
     */
    public abstract Optional<Elements> elements(Mapping mapping, long offset, long length, int itemSize);
}
