package org.jmmap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.jmmap.SharedMemory;
import org.jmmap.ipc.ChannelFormatException;
import org.jmmap.ipc.ChannelOptions;
import org.jmmap.ipc.ChannelOutputStream;
import org.jmmap.ipc.ChannelReceiver;
import org.jmmap.ipc.ChannelSender;
import org.jmmap.ipc.PeerDiedException;
import org.jmmap.ipc.ShmChannel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code jmmap channel}: a byte stream from one process to another through a shared-memory channel. */
@Command(name = "channel",
        description = {"Move a byte stream between two processes through shared memory (a faster named pipe).",
                "Either side may start first: the first creates the channel NAME in shared memory, and the "
                        + "receiver removes it when the transfer ends. A receiver whose sender dies exits with "
                        + "status 1 instead of waiting for ever; an output file appears only complete."},
        subcommands = {ChannelCommand.Send.class, ChannelCommand.Receive.class},
        synopsisSubcommandLabel = "(send | recv)",
        footerHeading = "%nExamples:%n",
        footer = {"  jmmap channel recv dump copy.bin &       # in one process (or shell)",
                "  jmmap channel send dump big.bin           # in another",
                "  tar c data | jmmap channel send backup     # and: jmmap channel recv backup | tar x"})
final class ChannelCommand {

    /** How long to wait for a channel the other side is creating to be laid out. */
    private static final Duration SET_UP_WAIT = Duration.ofSeconds(2);
    private static final int BUFFER = 1 << 20;

    @Mixin
    HelpOption help;

    private ChannelCommand() {
    }

    /** Options and file arguments both sides share. */
    abstract static class Side extends JmmapCommand {

        @Parameters(index = "0", paramLabel = "NAME", description = "The channel's shared memory name.")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", defaultValue = "-",
                description = "The file; - (the default) is standard input or output.")
        String file;

        @Option(names = "--capacity", paramLabel = "SIZE", defaultValue = "8M", converter = Sizes.Converter.class,
                description = "The ring's size when this side creates the channel: a power of two (default: "
                        + "${DEFAULT-VALUE}).")
        long capacity;

        @Option(names = "--no-progress", description = "No progress bar.")
        boolean noProgress;

        /** Creates the channel, or opens it if the other side did. */
        ShmChannel attach() throws IOException, InterruptedException {
            if (capacity <= 0 || capacity > 1 << 30 || Long.bitCount(capacity) != 1) {
                throw new ParameterException(spec.commandLine(), "--capacity=" + capacity + ": must be a power "
                        + "of two up to 1G");
            }
            ChannelOptions options = ChannelOptions.defaults().withCapacity((int) capacity);
            long deadline = System.nanoTime() + SET_UP_WAIT.toNanos();
            while (true) {
                try {
                    return ShmChannel.createShared(name, options);
                } catch (FileAlreadyExistsException created) {
                    try {
                        return ShmChannel.openShared(name);
                    } catch (ChannelFormatException | NoSuchFileException settingUp) {
                        if (System.nanoTime() - deadline > 0) {
                            throw settingUp; // not a channel, or one that never got laid out
                        }
                        Thread.sleep(10); // the other side is creating (or removing) it
                    }
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), e.getMessage());
                } catch (IOException e) {
                    if (e.getMessage() != null && e.getMessage().contains("empty") && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                        continue;
                    }
                    throw e;
                }
            }
        }

        void printThroughput(String verb, long bytes, long startNanos) {
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            io().err.printf(Locale.ROOT, "%s %s in %.3f s: %s%n", verb, Sizes.human(bytes), seconds,
                    Sizes.rate(seconds > 0 ? bytes / seconds : 0));
        }
    }

    @Command(name = "send", sortOptions = false,
            description = {"Send FILE (or standard input) through the channel NAME.",
                    "Prints the throughput on standard error when the receiver has taken everything."},
            footerHeading = "%nExamples:%n",
            footer = {"  jmmap channel send dump big.bin", "  pg_dump db | jmmap channel send dump"})
    static final class Send extends Side {

        @Override
        void execute() throws Exception {
            InputStream in;
            long size = -1;
            if (file.equals("-")) {
                in = io().in;
            } else {
                Path path = Paths.get(file);
                size = Files.size(path);
                in = Files.newInputStream(path);
            }
            long sent = 0;
            long start;
            try (InputStream input = in;
                 ShmChannel channel = attach();
                 ChannelSender sender = channel.sender();
                 Progress progress = Progress.bytes(io(), !noProgress && size > 0, "send", Math.max(size, 0))) {
                start = System.nanoTime();
                ChannelOutputStream out = sender.openStream();
                try {
                    byte[] buffer = new byte[BUFFER];
                    for (int n; (n = input.read(buffer)) >= 0; ) {
                        out.write(buffer, 0, n);
                        sent += n;
                        progress.advance(n);
                    }
                } catch (IOException | RuntimeException e) {
                    out.abort(); // the receiver discards what it got, and writes no output
                    throw e;
                }
                out.close();
            } catch (PeerDiedException e) {
                throw new Failure(name, "the receiver (pid " + e.pid() + ") died", "EPIPE");
            }
            printThroughput("sent", sent, start);
        }
    }

    @Command(name = "recv", sortOptions = false,
            description = {"Receive a stream from the channel NAME into FILE (or standard output).",
                    "FILE is written under a temporary name and renamed when the stream is complete; the channel "
                            + "is removed at the end. Prints the throughput on standard error."},
            footerHeading = "%nExamples:%n",
            footer = {"  jmmap channel recv dump copy.bin", "  jmmap channel recv dump | psql db"})
    static final class Receive extends Side {

        @Override
        void execute() throws Exception {
            Path target = file.equals("-") ? null : Paths.get(file);
            Path temporary = target == null ? null : target.resolveSibling("." + target.getFileName() + "."
                    + ProcessHandle.current().pid() + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong())
                    + ".tmp");
            long received = 0;
            long start = 0;
            boolean complete = false;
            try (SignalCleanup cleanup = SignalCleanup.guard()) {
                try (ShmChannel channel = attach(); ChannelReceiver receiver = channel.receiver()) {
                    try (InputStream in = receiver.openStream(Duration.ofDays(365));
                         OutputStream out = temporary == null ? io().out : Files.newOutputStream(temporary)) {
                        start = System.nanoTime();
                        byte[] buffer = new byte[BUFFER];
                        for (int n; (n = in.read(buffer)) >= 0; ) {
                            out.write(buffer, 0, n);
                            received += n;
                            if (Thread.interrupted()) {
                                throw new java.io.InterruptedIOException("interrupted");
                            }
                        }
                        out.flush();
                    }
                    complete = true;
                } catch (PeerDiedException e) {
                    throw new Failure(name, "the sender (pid " + e.pid() + ") died before the end of the stream",
                            "ECONNRESET");
                } finally {
                    removeChannel();
                    if (temporary != null) {
                        if (complete) {
                            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING,
                                    StandardCopyOption.ATOMIC_MOVE);
                        } else {
                            Files.deleteIfExists(temporary);
                        }
                    }
                }
            }
            printThroughput("received", received, start);
        }

        private void removeChannel() {
            try {
                SharedMemory.unlink(name);
            } catch (IOException | IllegalArgumentException e) {
                // already removed, or never created
            }
        }
    }
}
