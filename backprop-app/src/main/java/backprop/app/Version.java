package backprop.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The project version, written into {@code version.properties} by the build: for the version option and run reports. */
public final class Version implements CommandLine.IVersionProvider {

    /** {@code backprop <version>}. */
    public static String text() {
        try {
            return new Version().getVersion()[0];
        } catch (IOException e) {
            return "backprop (unknown version)";
        }
    }

    @Override
    public String[] getVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {"backprop " + p.getProperty("version", "(unknown version)")};
    }
}
