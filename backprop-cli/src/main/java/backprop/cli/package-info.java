/**
 * The {@code backprop} command line (picocli): {@link backprop.cli.Main} wires the top-level
 * {@link backprop.cli.BackpropCommand}, its subcommands and the one place that turns exceptions
 * into exit statuses (0 success, 1 a failed run, 2 bad input or usage).
 *
 * <p>Uses everything in core, and backprop-app for the options, progress, run files and exit
 * statuses that it shares with backprop-spark's command.
 */
package backprop.cli;
