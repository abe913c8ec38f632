/**
 * The {@code backprop} command line (picocli): {@link backprop.cli.Main} wires the top-level
 * {@link backprop.cli.BackpropCommand}, its subcommands and the one place that turns exceptions
 * into exit statuses (0 success, 1 a failed run, 2 bad input or usage).
 *
 * <p>Uses everything in core; only backprop-spark depends on it, for the options and run files it shares.
 */
package backprop.cli;
