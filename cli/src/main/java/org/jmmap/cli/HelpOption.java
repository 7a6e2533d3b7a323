package org.jmmap.cli;

import picocli.CommandLine.Option;

/** {@code -h}/{@code --help} for every subcommand ({@code --version} is the root command's alone). */
final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}
