package org.jmmap.gzip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

/**
 * Decompresses, tests or lists a mapped gzip file: BGZF blocks go to the parallel {@link BgzfDecoder}, other
 * multi-member files to the parallel {@link MultiMemberDecoder}, anything else (a single member, and whatever the
 * others leave) to the pipelined {@link StreamDecoder}. The output is written under
 * a temporary name and renamed when complete.
 */
final class FileDecompressor {

    private FileDecompressor() {
    }

    /** Decompresses {@code in} to {@code out}, or only checks it when {@code out} is null. */
    static GzipResult decompress(Path in, Path out, GzipOptions options) throws IOException {
        long started = System.nanoTime();
        try (MappedInput input = MappedInput.open(in)) {
            if (out != null && input.isSameFile(out)) {
                throw new IllegalArgumentException("output=" + out + ": is the input file");
            }
            try (AtomicOutput output = out == null ? null : AtomicOutput.create(out)) {
                Decoding decoding = new Decoding(input, options, output);
                decode(decoding);
                if (output != null) {
                    output.truncate(decoding.uncompressed); // after a guess of the parallel decoders that failed
                    long mtime = decoding.firstHeader.mtime();
                    FileTime modified = options.keepsNameAndTime() && mtime != 0 ? FileTime.fromMillis(mtime * 1000)
                            : input.attributes().lastModifiedTime();
                    output.commit(modified, FileCompressor.permissions(in));
                }
                return new GzipResult(in, out, decoding.uncompressed, input.size(), decoding.crc, decoding.members,
                        decoding.trailingBytes, decoding.trailingGarbage,
                        Duration.ofNanos(System.nanoTime() - started));
            }
        } catch (GzipException e) {
            throw e.in(in);
        }
    }

    /** Lists {@code in}: from the headers alone if it is all BGZF blocks, else by decoding it without output. */
    static GzipInfo list(Path in, GzipOptions options) throws IOException {
        try (MappedInput input = MappedInput.open(in)) {
            GzipInfo blocks = listBgzf(input);
            if (blocks != null) {
                return blocks;
            }
            Decoding decoding = new Decoding(input, options, null);
            decode(decoding);
            GzipInfo.Layout layout = decoding.allBgzf ? GzipInfo.Layout.BGZF
                    : decoding.members == 1 ? GzipInfo.Layout.SINGLE_MEMBER : GzipInfo.Layout.MULTI_MEMBER;
            return new GzipInfo(in, layout, decoding.firstHeader, decoding.members, input.size(),
                    decoding.uncompressed, decoding.crc, decoding.trailingBytes, decoding.trailingGarbage);
        } catch (GzipException e) {
            throw e.in(in);
        }
    }

    private static void decode(Decoding decoding) throws IOException {
        MappedInput input = decoding.input;
        if (input.size() == 0) {
            throw new GzipException(GzipException.Reason.TRUNCATED, 0, "empty input, expected a gzip header");
        }
        GzipHeader first = GzipHeader.read(input.cursor(0), 0);
        decoding.firstHeader = first;
        long position = 0;
        if (first.isBgzf()) {
            position = new BgzfDecoder(decoding).run(0);
        }
        if (position < input.size() && decoding.options.threads() > 1) {
            position = new MultiMemberDecoder(decoding).run(position);
        }
        if (position < input.size()) {
            try (StreamDecoder stream = new StreamDecoder(decoding)) {
                stream.run(position, position == 0);
            }
        }
    }

    /**
     * The listing of a file made of plain BGZF blocks only, from their headers and trailers (nothing inflated), or
     * null if it is not one.
     */
    private static GzipInfo listBgzf(MappedInput input) throws IOException {
        long size = input.size();
        byte[] header = new byte[Bgzf.HEADER_LENGTH];
        ByteBuffer trailer = ByteBuffer.allocate(Bgzf.TRAILER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        GzipHeader first = null;
        long members = 0;
        long uncompressed = 0;
        int crc = 0;
        long position = 0;
        while (position < size) {
            if (size - position < Bgzf.HEADER_LENGTH + Bgzf.TRAILER_LENGTH) {
                return null;
            }
            input.read(position, ByteBuffer.wrap(header));
            if (!Bgzf.isPlainHeader(header)) {
                return null;
            }
            int length = ((header[Bgzf.BSIZE_OFFSET] & 0xff) | (header[Bgzf.BSIZE_OFFSET + 1] & 0xff) << 8) + 1;
            if (length < Bgzf.HEADER_LENGTH + Bgzf.TRAILER_LENGTH || length > size - position) {
                return null;
            }
            if (first == null) {
                first = GzipHeader.read(input.cursor(0), 0);
            }
            input.read(position + length - Bgzf.TRAILER_LENGTH, trailer.clear());
            int blockCrc = trailer.getInt(0);
            long isize = trailer.getInt(4) & 0xffffffffL;
            crc = Crc32Combine.combine(crc, blockCrc, isize);
            uncompressed += isize;
            members++;
            position += length;
        }
        return first == null ? null : new GzipInfo(input.file(), GzipInfo.Layout.BGZF, first, members, size,
                uncompressed, crc, 0, false);
    }
}
