package dev.iamdb.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Building and reading the few PostgreSQL v3 protocol messages the gateway itself handles. */
final class PgWire {

    static final int PROTOCOL_3_0 = 196608;
    static final int SSL_REQUEST = 80877103;
    static final int GSSENC_REQUEST = 80877104;
    static final int CANCEL_REQUEST = 80877102;
    /** Startup packets are small; a bigger length is a confused or hostile client. */
    static final int MAX_STARTUP_LENGTH = 10_000;

    private PgWire() {
    }

    /** A typed message: type byte, int32 length (including itself), body. */
    static byte[] message(char type, byte[] body) {
        byte[] out = new byte[5 + body.length];
        out[0] = (byte) type;
        putInt(out, 1, body.length + 4);
        System.arraycopy(body, 0, out, 5, body.length);
        return out;
    }

    static byte[] authenticationRequest(int code, byte[] extra) {
        byte[] body = new byte[4 + extra.length];
        putInt(body, 0, code);
        System.arraycopy(extra, 0, body, 4, extra.length);
        return message('R', body);
    }

    /** An ErrorResponse with severity FATAL, the SQLSTATE and message a client shows. */
    static byte[] fatal(String sqlState, String text) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        field(body, 'S', "FATAL");
        field(body, 'V', "FATAL");
        field(body, 'C', sqlState);
        field(body, 'M', text);
        body.write(0);
        return message('E', body.toByteArray());
    }

    /** The startup packet for the backend: protocol 3.0 and the given parameters. */
    static byte[] startupMessage(Map<String, String> params) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeInt(body, PROTOCOL_3_0);
        params.forEach((k, v) -> {
            cstring(body, k);
            cstring(body, v);
        });
        body.write(0);
        byte[] b = body.toByteArray();
        byte[] out = new byte[4 + b.length];
        putInt(out, 0, out.length);
        System.arraycopy(b, 0, out, 4, b.length);
        return out;
    }

    /** Reads a typed message's type and body; the caller checks the type. */
    static Message read(DataInputStream in, int maxLength) throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed");
        }
        int length = in.readInt();
        if (length < 4 || length > maxLength) {
            throw new IOException("invalid message length " + length);
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return new Message((char) type, body);
    }

    /** The M (message) field of an ErrorResponse body, for logs and exceptions. */
    static String errorMessage(byte[] errorBody) {
        int i = 0;
        while (i < errorBody.length && errorBody[i] != 0) {
            char field = (char) errorBody[i++];
            int end = i;
            while (end < errorBody.length && errorBody[end] != 0) {
                end++;
            }
            if (field == 'M') {
                return new String(errorBody, i, end - i, StandardCharsets.UTF_8);
            }
            i = end + 1;
        }
        return "(no message)";
    }

    static void cstring(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        out.write(0);
    }

    static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static int getInt(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    private static void field(ByteArrayOutputStream out, char code, String value) {
        out.write(code);
        cstring(out, value);
    }

    /** One typed protocol message. */
    record Message(char type, byte[] body) {
    }
}
