package dev.zooterj.gateway.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 on a plain (or TLS) loopback server socket, a thread per connection; it counts connections and records
 * requests, and each request is answered however the test's {@link Handler} says (keep-alive, chunked, cut short,
 * silent, too large).
 */
final class RawServer implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger accepts = new AtomicInteger();
    final List<Req> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final Handler handler;
    private final boolean tls;

    /** Names the server sent by TLS clients (SNI), one list per TLS connection. */
    final List<List<String>> serverNames = new CopyOnWriteArrayList<>();

    RawServer(Handler handler) throws IOException {
        this(handler, null);
    }

    /** A TLS server with {@code tls}'s key when it is not null. */
    RawServer(Handler handler, SSLContext tls) throws IOException {
        this.handler = handler;
        this.tls = tls != null;
        socket = tls != null ? tls.getServerSocketFactory().createServerSocket() : new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::acceptLoop, "raw-server-accept");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    String baseUrl() {
        return (tls ? "https" : "http") + "://127.0.0.1:" + port() + "/v1";
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                accepts.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "raw-server-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            if (s instanceof SSLSocket ssl) {
                ssl.startHandshake();
                List<String> names = new ArrayList<>();
                if (ssl.getSession() instanceof ExtendedSSLSession e) {
                    for (SNIServerName n : e.getRequestedServerNames()) {
                        names.add(n instanceof SNIHostName h ? h.getAsciiName() : n.toString());
                    }
                }
                serverNames.add(names);
            }
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (!s.isClosed()) {
                Req r = read(in);
                if (r == null) {
                    return;
                }
                requests.add(r);
                handler.answer(r, s, out);
            }
        } catch (IOException e) {
            // the connection ended
        }
    }

    private static Req read(InputStream in) throws IOException {
        String line = line(in);
        if (line == null) {
            return null;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        int n = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(n);
        return new Req(line, headers, body);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c >= 0; c = in.read()) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    static void ok(OutputStream out, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
    }

    /** {@code body} chunked at the given sizes, cycled (the last chunk takes what is left). */
    static void chunked(OutputStream out, int status, byte[] body, int[] sizes) throws IOException {
        out.write(("HTTP/1.1 " + status + " OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        int at = 0;
        for (int i = 0; at < body.length; i++) {
            int n = sizes.length == 0 ? body.length - at : Math.min(sizes[i % sizes.length], body.length - at);
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, n);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            at += n;
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Blocks until the client closes the connection (EOF or a reset); fails the test's wait after 10 s. */
    static void awaitHangUp(Socket sock) throws IOException {
        sock.setSoTimeout(10_000);
        InputStream in = sock.getInputStream();
        byte[] b = new byte[8192];
        try {
            while (in.read(b) >= 0) {
                // drain until EOF
            }
        } catch (java.net.SocketTimeoutException e) {
            throw e;
        } catch (IOException reset) {
            // a reset is a hang-up too
        }
    }

    interface Handler {
        void answer(Req req, Socket sock, OutputStream out) throws IOException;
    }

    record Req(String line, Map<String, String> headers, byte[] body) {
    }
}
