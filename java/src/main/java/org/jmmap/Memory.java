package org.jmmap;

/**
 * Element access to one {@link Region}, JDK 17 form: the direct {@code ByteBuffer}s of {@link Windows} for
 * everything. The jar carries a JDK 22+ form of this class ({@code META-INF/versions/22}) whose plain reads and
 * writes go through one FFM {@code MemorySegment} over the whole region.
 */
final class Memory extends Windows {

    /** The memory of a closed mapping: no window, every access throws. */
    static final Memory CLOSED = new Memory();

    /**
     * Which element access path this build of the class implements; tests assert it per JDK. A method, not a
     * constant, so that callers do not compile the JDK 17 value into themselves.
     */
    static String kind() {
        return "ByteBuffer";
    }

    private Memory() {
    }

    /** Buffers over {@code [address, address + length)}, each pinning the range through {@code release}. */
    Memory(long address, long length, boolean readOnly, Region.Release release) {
        super(address, length, readOnly, release);
    }
}
