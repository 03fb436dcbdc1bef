package dev.iamdb.testkit.mysql;

import static dev.iamdb.testkit.mysql.MysqlWire.CLIENT_CONNECT_WITH_DB;
import static dev.iamdb.testkit.mysql.MysqlWire.CLIENT_PLUGIN_AUTH;
import static dev.iamdb.testkit.mysql.MysqlWire.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;
import static dev.iamdb.testkit.mysql.MysqlWire.CLIENT_SECURE_CONNECTION;
import static dev.iamdb.testkit.mysql.MysqlWire.CLIENT_SSL;
import static dev.iamdb.testkit.mysql.MysqlWire.RESPONSE_FIXED_PART;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The two login packets the gateway takes apart and rebuilds: the server's HandshakeV10 and the client's HandshakeResponse41. */
final class Handshake {

    private Handshake() {
    }

    /**
     * The backend's HandshakeV10. The gateway greets its client with these very bytes, capability flags and MariaDB's
     * extended capabilities (the last 4 of the 10 reserved bytes) included, only adding {@code CLIENT_SSL}: the
     * client then negotiates exactly what the backend supports, so the session can be relayed unchanged after login.
     */
    record Greeting(byte[] payload, int capabilitiesOffset, byte[] scramble) {

        static Greeting parse(byte[] payload) throws IOException {
            MysqlWire.Reader r = new MysqlWire.Reader(payload, 0);
            int protocol = r.int1();
            if (protocol != 10) {
                throw new IOException("backend speaks protocol version " + protocol + "; the gateway needs 10");
            }
            r.nulTerminated();
            r.bytes(4);
            byte[] part1 = r.bytes(8);
            r.int1();
            int capabilitiesOffset = r.position();
            r.bytes(2 + 1 + 2 + 2);
            int authDataLength = r.int1();
            r.bytes(10);
            byte[] part2 = r.bytes(Math.max(13, authDataLength - 8));
            // The scramble is 20 bytes; the 13th byte of the second part is its NUL terminator.
            byte[] scramble = Arrays.copyOf(part1, 20);
            System.arraycopy(part2, 0, scramble, 8, 12);
            return new Greeting(payload, capabilitiesOffset, scramble);
        }

        int capabilities() {
            return MysqlWire.int2(payload, capabilitiesOffset) | MysqlWire.int2(payload, capabilitiesOffset + 5) << 16;
        }

        /** The greeting for the client: the backend's, offering TLS. */
        byte[] withTls() {
            byte[] copy = payload.clone();
            MysqlWire.putInt2(copy, capabilitiesOffset, MysqlWire.int2(copy, capabilitiesOffset) | CLIENT_SSL);
            return copy;
        }
    }

    /**
     * A HandshakeResponse41 split into what the gateway reads (user, auth data, database, plugin) and what it passes
     * on as it came: the 32 fixed bytes (capabilities, max packet size, charset, 23-byte filler) and everything after
     * the plugin name (connection attributes, MariaDB's compression level).
     */
    record Response(byte[] fixed, String user, byte[] authData, String database, String plugin, byte[] tail) {

        static Response parse(byte[] payload) throws IOException {
            if (payload.length < RESPONSE_FIXED_PART) {
                throw new IOException("malformed handshake response of " + payload.length + " bytes");
            }
            int caps = MysqlWire.int4(payload, 0);
            MysqlWire.Reader r = new MysqlWire.Reader(payload, RESPONSE_FIXED_PART);
            String user = utf8(r.nulTerminated());
            byte[] auth;
            if ((caps & CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
                auth = r.bytes(r.lenenc());
            } else if ((caps & CLIENT_SECURE_CONNECTION) != 0) {
                auth = r.bytes(r.int1());
            } else {
                auth = r.nulTerminated();
            }
            String database = (caps & CLIENT_CONNECT_WITH_DB) != 0 && r.hasMore() ? utf8(r.nulTerminated()) : null;
            String plugin = (caps & CLIENT_PLUGIN_AUTH) != 0 && r.hasMore() ? utf8(r.nulTerminated()) : null;
            return new Response(Arrays.copyOf(payload, RESPONSE_FIXED_PART), user, auth,
                    database == null || database.isEmpty() ? null : database, plugin,
                    Arrays.copyOfRange(payload, r.position(), payload.length));
        }

        int capabilities() {
            return MysqlWire.int4(fixed, 0);
        }

        /** The same response for the backend: no TLS, another plugin and its auth data, the rest unchanged. */
        byte[] forBackend(String backendPlugin, byte[] backendAuth) {
            int caps = capabilities() & ~CLIENT_SSL;
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] head = fixed.clone();
            MysqlWire.putInt4(head, 0, caps);
            b.writeBytes(head);
            b.writeBytes(user.getBytes(StandardCharsets.UTF_8));
            b.write(0);
            if ((caps & CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
                MysqlWire.writeLenenc(b, backendAuth.length);
            } else {
                b.write(backendAuth.length);
            }
            b.writeBytes(backendAuth);
            if ((caps & CLIENT_CONNECT_WITH_DB) != 0) {
                b.writeBytes(database == null ? new byte[0] : database.getBytes(StandardCharsets.UTF_8));
                b.write(0);
            }
            if ((caps & CLIENT_PLUGIN_AUTH) != 0) {
                b.writeBytes(backendPlugin.getBytes(StandardCharsets.US_ASCII));
                b.write(0);
            }
            b.writeBytes(tail);
            return b.toByteArray();
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
