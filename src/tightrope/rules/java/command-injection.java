import java.io.IOException;

public class Tools {
    public Process ping(String host) throws IOException {
        // ruleid: java.command-injection
        return Runtime.getRuntime().exec("ping -c 1 " + host);
    }

    public Process archive(String dir) throws IOException {
        // ruleid: java.command-injection
        return new ProcessBuilder("sh", "-c", "tar czf backup.tgz " + dir).start();
    }

    public Process pingSafe(String host) throws IOException {
        // ok: java.command-injection
        return new ProcessBuilder("ping", "-c", "1", host).start();
    }

    public Process build() throws IOException {
        // ok: java.command-injection
        return Runtime.getRuntime().exec("make build");
    }
}
