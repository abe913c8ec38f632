/**
 * The local web playground, {@code backprop serve}: the gradient calculator and the training
 * runs as pages in the browser, served by the JDK's own HTTP server
 * ({@code com.sun.net.httpserver}).
 *
 * <p>{@link backprop.serve.PlaygroundServer} is the server; everything else is package-private.
 * The calculator page runs the same code as {@code backprop grad} ({@code backprop.calc}), so
 * the page shows what the command prints; the runs page only reads the files that
 * {@code backprop train} writes. Requests are untrusted: programs run under
 * {@link backprop.serve.Limits}, files are served only from this package's resources and the
 * runs folder.
 *
 * <p>Uses {@code backprop.calc} and Jackson; nothing else in the project depends on this package
 * except the command line, which starts it.
 */
package backprop.serve;
