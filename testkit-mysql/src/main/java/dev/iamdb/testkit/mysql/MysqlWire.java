package dev.iamdb.testkit.mysql;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * The parts of the MySQL client/server protocol the gateway reads and writes itself: packet framing, length-encoded
 * integers and strings, ERR packets and the {@code mysql_native_password} scramble. Everything after login is relayed
 * as bytes.
 */
final class MysqlWire {

    static final int CLIENT_CONNECT_WITH_DB = 0x8;
    static final int CLIENT_COMPRESS = 0x20;
    static final int CLIENT_PROTOCOL_41 = 0x200;
    static final int CLIENT_SSL = 0x800;
    static final int CLIENT_SECURE_CONNECTION = 0x8000;
    static final int CLIENT_PLUGIN_AUTH = 0x80000;
    static final int CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 0x200000;

    static final int COM_QUERY = 0x03;
    static final int OK = 0x00;
    static final int ERR = 0xff;
    static final int AUTH_SWITCH = 0xfe;
    static final int MAX_PAYLOAD = 0xffffff;
    /** Caps, max packet size, charset and the 23-byte filler: the whole SSLRequest, and the start of every response. */
    static final int RESPONSE_FIXED_PART = 32;

    static final String NATIVE_PASSWORD = "mysql_native_password";
    static final String CLEAR_PASSWORD = "mysql_clear_password";

    static final int ER_ACCESS_DENIED = 1045;
    static final String ACCESS_DENIED_SQLSTATE = "28000";

    private MysqlWire() {
    }

    /** One packet: its sequence id and payload. */
    record Packet(int sequence, byte[] payload) {
        int first() {
            return payload.length == 0 ? -1 : payload[0] & 0xff;
        }
    }

    /** Reads one packet of at most {@code maxPayload} bytes (login packets are small; larger ones are refused). */
    static Packet read(InputStream in, int maxPayload) throws IOException {
        byte[] header = readFully(in, 4);
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        if (length > maxPayload) {
            throw new IOException("packet of " + length + " bytes during login; at most " + maxPayload + " expected");
        }
        return new Packet(header[3] & 0xff, readFully(in, length));
    }

    static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new EOFException();
        }
        return b;
    }

    /** Writes {@code payload} (less than 16 MiB) as one packet and flushes. */
    static void write(OutputStream out, int sequence, byte[] payload) throws IOException {
        out.write(frame(sequence, payload));
        out.flush();
    }

    static byte[] frame(int sequence, byte[] payload) {
        byte[] packet = new byte[4 + payload.length];
        packet[0] = (byte) payload.length;
        packet[1] = (byte) (payload.length >>> 8);
        packet[2] = (byte) (payload.length >>> 16);
        packet[3] = (byte) sequence;
        System.arraycopy(payload, 0, packet, 4, payload.length);
        return packet;
    }

    /** An ERR packet in the 4.1 format: marker, error code, {@code #}, SQLSTATE, message. */
    static byte[] error(int code, String sqlState, String message) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(ERR);
        b.write(code & 0xff);
        b.write(code >>> 8);
        b.write('#');
        b.writeBytes(sqlState.getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(message.getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    /** The message RDS sends for every refused IAM login; the reason is never told to the client. */
    static byte[] accessDenied(String user, String clientHost, boolean usingPassword) {
        return error(ER_ACCESS_DENIED, ACCESS_DENIED_SQLSTATE, "Access denied for user '" + user + "'@'" + clientHost
                + "' (using password: " + (usingPassword ? "YES" : "NO") + ")");
    }

    static int int2(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    static int int4(byte[] b, int at) {
        return int2(b, at) | int2(b, at + 2) << 16;
    }

    static void putInt2(byte[] b, int at, int value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >>> 8);
    }

    static void putInt4(byte[] b, int at, int value) {
        putInt2(b, at, value);
        putInt2(b, at + 2, value >>> 16);
    }

    /** A cursor over a payload, for the few fields the gateway parses. */
    static final class Reader {
        private final byte[] b;
        private int at;

        Reader(byte[] b, int at) {
            this.b = b;
            this.at = at;
        }

        int position() {
            return at;
        }

        boolean hasMore() {
            return at < b.length;
        }

        /** A NUL-terminated string; a string running to the end of the payload is accepted too, as servers do. */
        byte[] nulTerminated() {
            int end = at;
            while (end < b.length && b[end] != 0) {
                end++;
            }
            byte[] s = java.util.Arrays.copyOfRange(b, at, end);
            at = Math.min(end + 1, b.length);
            return s;
        }

        byte[] bytes(long n) throws IOException {
            if (n < 0 || n > b.length - at) {
                throw new IOException("malformed packet: field of " + n + " bytes past its end");
            }
            byte[] s = java.util.Arrays.copyOfRange(b, at, at + (int) n);
            at += (int) n;
            return s;
        }

        int int1() throws IOException {
            if (at >= b.length) {
                throw new IOException("malformed packet: truncated");
            }
            return b[at++] & 0xff;
        }

        long lenenc() throws IOException {
            int first = int1();
            switch (first) {
                case 0xfc: return int1() | (long) int1() << 8;
                case 0xfd: return int1() | (long) int1() << 8 | (long) int1() << 16;
                case 0xfe: {
                    long v = 0;
                    for (int i = 0; i < 8; i++) {
                        v |= (long) int1() << (8 * i);
                    }
                    return v;
                }
                case 0xfb:
                case 0xff:
                    throw new IOException("malformed packet: 0x" + Integer.toHexString(first) + " is no length");
                default: return first;
            }
        }
    }

    static void writeLenenc(ByteArrayOutputStream out, long n) {
        if (n < 0xfb) {
            out.write((int) n);
        } else if (n < 1 << 16) {
            out.write(0xfc);
            out.write((int) n);
            out.write((int) (n >>> 8));
        } else if (n < 1 << 24) {
            out.write(0xfd);
            out.write((int) n);
            out.write((int) (n >>> 8));
            out.write((int) (n >>> 16));
        } else {
            out.write(0xfe);
            for (int i = 0; i < 8; i++) {
                out.write((int) (n >>> (8 * i)));
            }
        }
    }

    /** {@code SHA1(password) XOR SHA1(scramble + SHA1(SHA1(password)))}, what mysql_native_password sends. */
    static byte[] nativePassword(String password, byte[] scramble) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] stage1 = sha1.digest(password.getBytes(StandardCharsets.UTF_8));
            byte[] stage2 = sha1.digest(stage1);
            sha1.update(scramble);
            sha1.update(stage2);
            byte[] mask = sha1.digest();
            for (int i = 0; i < stage1.length; i++) {
                stage1[i] ^= mask[i];
            }
            return stage1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is not available in this JVM", e);
        }
    }
}
