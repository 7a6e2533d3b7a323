package org.jmmap.cli;

import picocli.CommandLine.Command;

/** {@code jmmap gunzip}: {@code jmmap gzip -d}. */
@Command(name = "gunzip", sortOptions = false,
        description = {"Decompress files in parallel (like pigz -d, unpigz): jmmap gzip -d.",
                "FILE.gz is replaced by FILE, with FILE.gz's mode and time; -k keeps FILE.gz. Without FILE, or "
                        + "with -, standard input goes to standard output. Several files are decompressed at once; "
                        + "BGZF on every core, other files pipelined. Every CRC and length is checked; a corrupt file leaves no output."},
        footerHeading = "%nExamples:%n",
        footer = {"  jmmap gunzip big.csv.gz", "  jmmap gunzip -c logs.gz | grep ERROR",
                "  jmmap gunzip -t *.gz                   # check them, write nothing"})
final class GunzipCommand extends GzipCommand {

    @Override
    boolean decompressing() {
        return true;
    }
}
