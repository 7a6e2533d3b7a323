package org.jmmap.gzip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The message of a {@link GzipException} names the problem, the offset once, and the file when there is one. */
class GzipExceptionTest {

    @Test
    void theFileIsAddedOnceAfterTheOffset() {
        GzipException plain = new GzipException(GzipException.Reason.BAD_CRC, 215159, "crc32=1234abcd expected=0");
        assertEquals("crc32=1234abcd expected=0 at offset=215159", plain.getMessage());
        GzipException named = plain.in(Path.of("/data/x.gz"));
        assertEquals("crc32=1234abcd expected=0 at offset=215159 in /data/x.gz", named.getMessage());
        assertSame(GzipException.Reason.BAD_CRC, named.reason());
        assertEquals(215159, named.offset());
    }
}
