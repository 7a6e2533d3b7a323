package org.jmmap.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code jmmap} command: jmmap's tools from the shell. Each subcommand is a class of this package; conventions
 * shared by all of them: exit status 0 on success, 1 when an operation failed (one line per failure on standard
 * error, {@code jmmap CMD: FILE: REASON (ERRNO)}, see {@link Failures}), 2 for a usage error; {@code --help} with
 * examples; {@code --json} where the output is data; {@code --verbose} adds stack traces to failures.
 */
@Command(name = "jmmap", mixinStandardHelpOptions = true, versionProvider = Jmmap.Version.class,
        description = "jmmap's tools from the shell: page-cache residency; touch, evict and lock files; POSIX "
                + "shared memory segments; JSON values shared between processes.",
        subcommands = {
                ResidencyCommand.class,
                TouchCommand.class,
                EvictCommand.class,
                LockCommand.class,
                ShmCommand.class,
                ValueCommand.class,
                BenchCommand.class,
                AutoComplete.GenerateCompletion.class,
        },
        synopsisSubcommandLabel = "COMMAND",
        footerHeading = "%nExit status:%n",
        footer = {"  0  success", "  1  an operation failed: one line per failure on standard error,",
                "       jmmap COMMAND: FILE: REASON (ERRNO)", "  2  usage error", "",
                "Run 'jmmap COMMAND --help' for a command's options and examples.",
                "Shell completion: source <(jmmap generate-completion)"})
public final class Jmmap {

    /** Exit status of a usage error, as picocli's. */
    static final int USAGE = CommandLine.ExitCode.USAGE;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On failure, print the exception's stack trace after the one-line message.")
    boolean verbose;

    final Io io;

    Jmmap(Io io) {
        this.io = io;
    }

    public static void main(String[] args) {
        Io io = Io.system();
        int status = run(io, args);
        io.flush();
        System.exit(status);
    }

    /** Runs one command line with {@code io}'s streams; returns the exit status. */
    static int run(Io io, String... args) {
        try {
            return commandLine(io).execute(args);
        } finally {
            io.flush();
        }
    }

    static CommandLine commandLine(Io io) {
        Jmmap root = new Jmmap(io);
        CommandLine commandLine = new CommandLine(root);
        commandLine.setOut(new PrintWriter(new OutputStreamWriter(io.out, StandardCharsets.UTF_8), true));
        commandLine.setErr(new PrintWriter(new OutputStreamWriter(io.err, StandardCharsets.UTF_8), true));
        commandLine.setParameterExceptionHandler(Jmmap::usageError);
        commandLine.setExecutionExceptionHandler((failure, failed, parseResult) -> {
            Failures.print(io, name(failed.getCommandSpec()), null, failure, root.verbose);
            return CommandLine.ExitCode.SOFTWARE;
        });
        commandLine.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        return commandLine;
    }

    /** {@code jmmap CMD: what is wrong}, the closest option if one was misspelt, and where to find help. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine failed = e.getCommandLine();
        PrintWriter err = failed.getErr();
        String name = name(failed.getCommandSpec());
        err.println("jmmap" + (name.isEmpty() ? "" : " " + name) + ": " + e.getMessage());
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return USAGE;
    }

    /** The command's name after {@code jmmap}: {@code "shm rm"}. */
    static String name(CommandSpec spec) {
        String qualified = spec.qualifiedName(" ");
        return qualified.equals("jmmap") ? "" : qualified.substring("jmmap ".length());
    }

    /** The jar's version, and the JVM and system it runs on. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Jmmap.class.getPackage().getImplementationVersion();
            return new String[] {
                    "jmmap " + (version == null ? "(development build)" : version),
                    "JVM: ${java.version} (${java.vendor} ${java.vm.name})",
                    "OS: ${os.name} ${os.version} ${os.arch}",
            };
        }
    }
}
