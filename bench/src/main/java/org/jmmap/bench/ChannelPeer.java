package org.jmmap.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jmmap.ipc.Compression;

/**
 * The other process of the channel benchmarks. It reads one command a line from stdin, runs it on its main thread
 * and answers one line on stdout: {@code ok <cpu>} with the CPU time the command took on that thread, in
 * nanoseconds, then what the command returns; or {@code error <what>}. Commands:
 * <pre>
 * open ID WORDS...                  open the peer's ends of a transport ({@link Transport#peerArguments()})
 * send ID PAYLOAD COUNT             {@link Transport#sendMessages}
 * echo ID                           {@link Transport#echo}; answers ok CPU COUNT
 * bulk ID DATA BYTES STREAM CODEC   {@link Transport#sendBulk} (DATA random or text; STREAM true or false)
 * close ID
 * </pre>
 * End of input ends the process. {@link Remote} drives it from the benchmark's process.
 */
public final class ChannelPeer {

    private ChannelPeer() {
    }

    public static void main(String[] args) throws IOException {
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream answers = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // nothing else may write to the answers
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Transport> transports = new HashMap<>();
        Map<String, BulkData> data = new HashMap<>();
        String line;
        while ((line = commands.readLine()) != null) {
            String[] words = line.split(" ");
            try {
                long cpu = threads.getCurrentThreadCpuTime();
                String result = switch (words[0]) {
                    case "open" -> {
                        transports.put(words[1], Transport.open(Arrays.copyOfRange(words, 2, words.length)));
                        yield "";
                    }
                    case "send" -> {
                        transport(transports, words[1]).sendMessages(Integer.parseInt(words[2]),
                                Long.parseLong(words[3]));
                        yield "";
                    }
                    case "echo" -> Long.toString(transport(transports, words[1]).echo());
                    case "bulk" -> {
                        BulkData bytes = data.computeIfAbsent(words[2], BulkData::of);
                        transport(transports, words[1]).sendBulk(bytes, Long.parseLong(words[3]),
                                Boolean.parseBoolean(words[4]), Compression.valueOf(words[5]));
                        yield "";
                    }
                    case "close" -> {
                        transport(transports, words[1]);
                        transports.remove(words[1]).close();
                        yield "";
                    }
                    default -> throw new IllegalArgumentException("command=" + words[0]);
                };
                cpu = threads.getCurrentThreadCpuTime() - cpu;
                answers.println("ok " + cpu + (result.isEmpty() ? "" : " " + result));
            } catch (Exception | Error e) {
                e.printStackTrace();
                answers.println("error " + e.toString().replace('\n', ' '));
            }
        }
        for (Transport transport : transports.values()) {
            transport.close();
        }
    }

    private static Transport transport(Map<String, Transport> transports, String id) {
        Transport transport = transports.get(id);
        if (transport == null) {
            throw new IllegalArgumentException("transport=" + id + ": not open");
        }
        return transport;
    }

    /** A running {@link ChannelPeer}, seen from the benchmark's process. */
    static final class Remote implements Closeable {

        private final String name;
        private final Process process;
        private final BufferedWriter commands;
        private final BufferedReader answers;

        private Remote(String name, Process process) {
            this.name = name;
            this.process = process;
            this.commands = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(),
                    StandardCharsets.UTF_8));
            this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /**
         * Starts a peer JVM: the java, class path and JVM options of this one, then {@code options}; on the CPUs
         * that {@code -Djmmap.bench.peerCpus} lists ({@code taskset -c}), if it is set.
         *
         * @param name what to call it in errors
         */
        static Remote start(String name, List<String> options) throws IOException {
            List<String> command = new ArrayList<>();
            String cpus = System.getProperty("jmmap.bench.peerCpus", "");
            if (!cpus.isEmpty()) {
                command.addAll(List.of("taskset", "-c", cpus));
            }
            command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (!argument.startsWith("-agentlib") && !argument.startsWith("-javaagent")) {
                    command.add(argument);
                }
            }
            command.addAll(options);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ChannelPeer.class.getName()));
            return new Remote(name, new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start());
        }

        /** Sends {@code command} without waiting for its answer. */
        void send(String command) throws IOException {
            commands.write(command);
            commands.newLine();
            commands.flush();
        }

        /**
         * Waits for the answer to the command sent last: its words after {@code ok}, the first being the CPU time.
         *
         * @throws IOException if the peer answered with an error or exited
         */
        String[] answer() throws IOException {
            String line = answers.readLine();
            if (line == null) {
                throw new IOException("peer " + name + " exited (status " + exitStatus() + ")");
            }
            if (!line.startsWith("ok ")) {
                throw new IOException("peer " + name + ": " + line);
            }
            return line.substring(3).split(" ");
        }

        /** Sends {@code command} and waits for its answer ({@link #answer()}). */
        String[] call(String command) throws IOException {
            send(command);
            return answer();
        }

        private String exitStatus() {
            try {
                return process.waitFor(10, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "running";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "unknown";
            }
        }

        /** Ends the peer: end of input, then SIGKILL if it does not exit within 10 s. */
        @Override
        public void close() throws IOException {
            try {
                commands.close();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
