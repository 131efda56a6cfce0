package dev.zooterj.gateway.http;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The raw loopback servers one test starts, closed together after it ({@code @RegisterExtension} it). */
final class RawServers implements AutoCloseable, AfterEachCallback {
    private final List<RawServer> servers = new ArrayList<>();

    /** Starts a server answering with {@code handler}; it is closed with the others. */
    RawServer start(RawServer.Handler handler) throws IOException {
        RawServer s = new RawServer(handler);
        servers.add(s);
        return s;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        servers.forEach(RawServer::close);
        servers.clear();
    }
}
