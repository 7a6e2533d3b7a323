package org.jmmap.cli;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The regular files named on a command line: each file as given (a symbolic link is followed), and with
 * {@code -r} the regular files under each directory, in name order, without following links (as vmtouch). A path
 * that cannot be used is reported to the command, which goes on with the others.
 */
final class FileArguments {

    /** A regular file and its size in bytes when it was listed. */
    record FileEntry(Path path, long size) {
    }

    private FileArguments() {
    }

    static List<FileEntry> expand(JmmapCommand command, List<Path> paths, boolean recursive) {
        List<FileEntry> files = new ArrayList<>();
        for (Path path : paths) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                if (attributes.isRegularFile()) {
                    files.add(new FileEntry(path, attributes.size()));
                } else if (attributes.isDirectory()) {
                    if (recursive) {
                        walk(command, path, files);
                    } else {
                        command.report(path, new Failure(null, "Is a directory (-r includes the files under it)",
                                "EISDIR"));
                    }
                } else {
                    command.report(path, notRegular());
                }
            } catch (IOException e) {
                command.report(path, e);
            }
        }
        return files;
    }

    private static Failure notRegular() {
        return new Failure(null, "not a regular file (a device, FIFO or socket has no pages of its own)", "ENODEV");
    }

    private static void walk(JmmapCommand command, Path directory, List<FileEntry> files) throws IOException {
        List<FileEntry> found = new ArrayList<>();
        Files.walkFileTree(directory, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    found.add(new FileEntry(file, attributes.size()));
                }
                return FileVisitResult.CONTINUE; // links and special files under a directory are skipped
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) {
                command.report(file, failure);
                return FileVisitResult.CONTINUE;
            }
        });
        found.sort(Comparator.comparing(FileEntry::path));
        files.addAll(found);
    }
}
