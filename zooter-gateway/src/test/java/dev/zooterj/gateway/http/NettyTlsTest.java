package dev.zooterj.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zooterj.gateway.backend.Backend;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;

import static dev.zooterj.gateway.http.RawServer.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code https://} backends over the Netty transport, against real loopback TLS servers whose self-signed certificates
 * are made at test time with the JDK's {@code keytool}. The client trusts them only through
 * {@link NettyTransport#trustForTests} for the one origin a test names, so the JVM's default trust store stays as it is.
 */
class NettyTlsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final String ANSWER = "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":"
            + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"over tls\"},\"finish_reason\":\"stop\"}]}";

    @TempDir
    static Path dir;
    /** For 127.0.0.1 and localhost. */
    private static KeyStore loopback;
    /** For other.example only. */
    private static KeyStore other;

    private final List<RawServer> servers = new ArrayList<>();
    private final List<String> trusted = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        loopback = keyStore("loopback", "SAN=IP:127.0.0.1,DNS:localhost");
        other = keyStore("other", "SAN=DNS:other.example");
    }

    @AfterEach
    void close() throws Exception {
        servers.forEach(RawServer::close);
        for (String origin : trusted) {
            NettyTransport.trustForTests(origin, null);
        }
    }

    /** A fresh EC key and self-signed certificate with {@code san}, in a PKCS12 key store. */
    private static KeyStore keyStore(String name, String san) throws Exception {
        Path file = dir.resolve(name + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=zooter-test-" + name, "-ext", san, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", new String(PASSWORD),
                "-keypass", new String(PASSWORD), "-noprompt").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool finished");
        assertEquals(0, p.exitValue(), "keytool: " + out);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    private static SSLContext serverContext(KeyStore ks) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** Trust for exactly the certificate in {@code ks}. */
    private static TrustManagerFactory trusting(KeyStore ks) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        String alias = ks.aliases().nextElement();
        Certificate cert = ks.getCertificate(alias);
        trust.setCertificateEntry(alias, cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf;
    }

    private RawServer tlsServer(KeyStore ks, RawServer.Handler h) throws Exception {
        RawServer s = new RawServer(h, serverContext(ks));
        servers.add(s);
        return s;
    }

    private void trust(String baseUrl, KeyStore ks) throws Exception {
        URI u = URI.create(baseUrl);
        String origin = BackendClient.originKey(u.getScheme(), u.getHost(), u.getPort());
        NettyTransport.trustForTests(origin, trusting(ks));
        trusted.add(origin);
    }

    private static Backend backend(String baseUrl) {
        return new Backend("tls", URI.create(baseUrl), "m", null, Duration.ofSeconds(10), 2, null, null);
    }

    private static ObjectNode chat(String user) {
        return dev.zooterj.gateway.client.ChatBodies.user(user);
    }

    @Test
    void aTrustedCertificateAnswersOverTlsAndItsConnectionIsPooled() throws Exception {
        RawServer s = tlsServer(loopback, (req, sock, out) -> {
            if (JSON.readTree(req.body()).path("stream").asBoolean()) {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: ").getBytes(
                        StandardCharsets.US_ASCII));
                byte[] body = (NettyStreamTest.event("secure", true) + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
                out.write((body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } else {
                ok(out, ANSWER);
            }
        });
        assertTrue(s.baseUrl().startsWith("https://127.0.0.1:"));
        trust(s.baseUrl(), loopback);
        BackendClient client = new BackendClient();
        Backend b = backend(s.baseUrl());
        assertEquals("over tls", client.complete(b, chat("1")).content());
        assertEquals("over tls", client.complete(b, chat("2")).content());
        List<String> events = new ArrayList<>();
        client.stream(b, chat("3"), events::add);
        assertEquals(1, events.size());
        assertEquals("secure", JSON.readTree(events.get(0)).path("choices").path(0).path("delta").path("content").asText());
        assertEquals(3, s.requests.size());
        assertEquals(1, s.accepts.get(), "two calls and a stream on one TLS connection");
        assertEquals(List.of(List.of()), s.serverNames, "no SNI for an IP address");
        assertEquals("127.0.0.1:" + s.port(), s.requests.get(0).headers().get("host"));
    }

    @Test
    void aHostNameIsMatchedAgainstTheCertificatesNames() throws Exception {
        RawServer s = tlsServer(loopback, (req, sock, out) -> ok(out, ANSWER));
        String url = "https://localhost:" + s.port() + "/v1";
        trust(url, loopback);
        assertEquals("over tls", new BackendClient().complete(backend(url), chat("x")).content());
        assertEquals("localhost:" + s.port(), s.requests.get(0).headers().get("host"));
    }

    @Test
    void theDefaultTrustStoreRejectsASelfSignedCertificate() throws Exception {
        RawServer s = tlsServer(loopback, (req, sock, out) -> ok(out, ANSWER));
        BackendException e = assertThrows(BackendException.class,
                () -> new BackendClient().complete(backend(s.baseUrl()), chat("x")));
        assertEquals(BackendException.Kind.CONNECTION, e.kind(), e.getMessage());
        assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("certification path"), e.getMessage());
        assertTrue(s.requests.isEmpty(), "nothing was sent to an untrusted server");

        BackendException streamed = assertThrows(BackendException.class,
                () -> new BackendClient().stream(backend(s.baseUrl()), chat("x"), data -> { }));
        assertEquals(BackendException.Kind.CONNECTION, streamed.kind(), streamed.getMessage());
    }

    @Test
    void aTrustedCertificateForAnotherNameIsRejected() throws Exception {
        RawServer s = tlsServer(other, (req, sock, out) -> ok(out, ANSWER));
        trust(s.baseUrl(), other);  // trusted, but it names other.example, not 127.0.0.1
        BackendException e = assertThrows(BackendException.class,
                () -> new BackendClient().complete(backend(s.baseUrl()), chat("x")));
        assertEquals(BackendException.Kind.CONNECTION, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1"), "the check named the address: " + e.getMessage());
        assertTrue(s.requests.isEmpty(), "nothing was sent to a server of the wrong name");
    }

    @Test
    void theClientContextSendsTheHostAsSniAndChecksIt() throws Exception {
        // The JDK sends SNI only for a dotted host name (not localhost, not an address): checked on the engine itself.
        SSLEngine engine = NettyTransport.tlsContext(null).newEngine(ByteBufAllocator.DEFAULT, "api.example.com", 443);
        assertEquals("HTTPS", engine.getSSLParameters().getEndpointIdentificationAlgorithm());
        assertEquals(List.of(new SNIHostName("api.example.com")), engine.getSSLParameters().getServerNames());
        assertEquals("api.example.com", engine.getPeerHost());
        assertTrue(engine.getUseClientMode());
    }

    @Test
    void plainAndTlsOriginsAreApart() {
        assertEquals("https://api.example.com:443", BackendClient.originKey("HTTPS", "API.example.com", -1));
        assertEquals("http://api.example.com:80", BackendClient.originKey("http", "api.example.com", -1));
        assertEquals("https", NettyTransport.Target.of(backend("https://127.0.0.1:8443/v1")).origin().substring(0, 5));
        assertTrue(NettyTransport.Target.of(backend("https://127.0.0.1/v1")).tls());
        assertEquals(443, NettyTransport.Target.of(backend("https://127.0.0.1/v1")).port());
        assertEquals(80, NettyTransport.Target.of(backend("http://127.0.0.1/v1")).port());
    }
}
