package dev.zooterj.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

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
        footer = {"", "Run 'zooter <command> --help' for a command's options. Add --debug for stack traces."})
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
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
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
                ex.printStackTrace(err);
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
