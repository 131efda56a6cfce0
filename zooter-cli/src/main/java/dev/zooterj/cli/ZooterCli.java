package dev.zooterj.cli;

import dev.zooterj.gateway.secrets.RedactedThrowable;
import dev.zooterj.gateway.secrets.RedactingOutputStream;
import dev.zooterj.gateway.secrets.RedactingWriter;
import dev.zooterj.gateway.secrets.Redactor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Entry point of {@code ./zooter}. */
@Command(name = "zooter", mixinStandardHelpOptions = true, versionProvider = ZooterCli.Version.class,
        description = "Zooter-J: route each query to the one LLM most likely to answer it best.",
        subcommands = {
                DemoCommand.class,
                SimulateCommand.class,
                ImportCommand.class,
                LabelsCommand.class,
                TrainCommand.class,
                RouteCommand.class,
                CalibrateCommand.class,
                EvaluateCommand.class,
                ExportCommand.class,
                ImportDl4jCommand.class,
                BenchCommand.class,
                InfoCommand.class,
                SplitCommand.class,
                SelectCommand.class,
                DecontaminateCommand.class,
                TagsCommand.class,
                // tagging and data-selection commands
                CollectCommand.class,
                ServeCommand.class,
                // live-LLM commands
                CommandLine.HelpCommand.class},
        footer = {"", "Run 'zooter <command> --help' for a command's options. Add --debug for stack traces.",
                "'zooter spark JOB ...' runs the Spark jobs (route, embed, tags, decontaminate, replay) of the zooter-spark",
                "module, in local mode unless --master says otherwise: see 'zooter spark --help'."})
public final class ZooterCli implements Runnable {
    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces on errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // Everything the process prints, logging included, passes the redactor: no key it holds reaches the terminal.
        System.setOut(new PrintStream(new RedactingOutputStream(new FileOutputStream(FileDescriptor.out), Redactor.global()),
                true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new RedactingOutputStream(new FileOutputStream(FileDescriptor.err), Redactor.global()),
                true, StandardCharsets.UTF_8));
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter rawOut, PrintWriter rawErr) {
        // Reports, errors and stack traces name backends and echo their messages: they pass the redactor line by line.
        PrintWriter out = new PrintWriter(new RedactingWriter(rawOut, Redactor.global()), true);
        PrintWriter err = new PrintWriter(new RedactingWriter(rawErr, Redactor.global()), true);
        try {
            return execute(args, out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new ZooterCli());
        cli.setOut(out);
        cli.setErr(err);
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        cli.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            err.println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage()
                    + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (debug) {
                RedactedThrowable.of(ex, Redactor.global()).printStackTrace(err);
            } else {
                err.println(c.getCommandSpec().qualifiedName() + ": error: " + oneLine(ex));
            }
            return 1;
        });
        return cli.execute(args);
    }

    private static String oneLine(Throwable ex) {
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = ex.getClass().getSimpleName();
        }
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }

    /** Version from the jar manifest (set by Maven), or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ZooterCli.class.getPackage().getImplementationVersion();
            return new String[]{"zooter " + (v == null ? "dev" : v)};
        }
    }
}
