package org.jmmap.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.SharedMemory;
import org.jmmap.sync.SharedValueDescriptor;

/**
 * What a shared memory segment holds, told by the magic number its layout starts with: a jmmap
 * {@link org.jmmap.sync.SharedValue} ({@link SharedValueDescriptor#MAGIC}), a POSIX named semaphore (glibc names
 * them {@code sem.NAME}), or data of unknown layout.
 */
enum SegmentKind {
    /** A jmmap SharedValue laid out at offset 0. */
    VALUE("value"),
    /** A POSIX named semaphore ({@code sem_open}). */
    SEMAPHORE("semaphore"),
    /** Empty, or a layout jmmap does not know. */
    DATA("-"),
    /** The segment cannot be read by this user. */
    UNREADABLE("?");

    final String label;

    SegmentKind(String label) {
        this.label = label;
    }

    /** The kind of segment {@code name} of {@code size} bytes. */
    static SegmentKind of(String name, long size) throws IOException {
        if (name.startsWith("sem.")) {
            return SEMAPHORE;
        }
        if (size < SharedValueDescriptor.HEADER_LENGTH) {
            return DATA;
        }
        try (Mapping segment = SharedMemory.open(name, MapMode.READ_ONLY)) {
            if (segment.length() >= SharedValueDescriptor.HEADER_LENGTH
                    && segment.getIntVolatile(SharedValueDescriptor.MAGIC_OFFSET) == SharedValueDescriptor.MAGIC) {
                int capacity = segment.getInt(SharedValueDescriptor.CAPACITY_OFFSET);
                if (capacity >= 0 && capacity <= SharedValueDescriptor.MAX_CAPACITY
                        && SharedValueDescriptor.length(capacity) <= segment.length()) {
                    return VALUE;
                }
            }
            return DATA;
        } catch (AccessDeniedException e) {
            return UNREADABLE;
        }
    }
}
