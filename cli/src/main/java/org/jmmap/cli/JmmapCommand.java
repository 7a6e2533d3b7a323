package org.jmmap.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every subcommand shares: its streams, and the failures it reports as it goes. A command that works through
 * several files reports each failure with {@link #report} and goes on; its exit status is then 1. An exception
 * that escapes {@link #execute()} ends the command with status 1 and one line on standard error.
 */
abstract class JmmapCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    private boolean failed;

    /** The command's work; report failures with {@link #report} or throw. */
    abstract void execute() throws Exception;

    @Override
    public final Integer call() throws Exception {
        execute();
        io().flush();
        return failed ? 1 : 0;
    }

    final Io io() {
        return root().io;
    }

    final boolean verbose() {
        return root().verbose;
    }

    private Jmmap root() {
        return (Jmmap) spec.root().userObject();
    }

    /** Prints the failure line for {@code subject} (a file, a name; or null) and makes the exit status 1. */
    final void report(Object subject, Throwable failure) {
        Failures.print(io(), Jmmap.name(spec), subject == null ? null : subject.toString(), failure, verbose());
        failed = true;
    }

    /** Whether {@link #report} was called. */
    final boolean failed() {
        return failed;
    }
}
