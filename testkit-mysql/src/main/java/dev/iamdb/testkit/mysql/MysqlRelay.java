package dev.iamdb.testkit.mysql;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;

/**
 * Copies one session's bytes both ways after login, one blocking thread per direction. From the client it follows
 * packet framing to find each command's first packet, so that an {@code IDENTIFIED WITH AWSAuthenticationPlugin}
 * statement can be rewritten; every other byte passes unchanged.
 */
final class MysqlRelay {

    static final int BUFFER_SIZE = 64 * 1024;
    /** Statements are read whole only up to this size; larger packets (bulk data) are copied as they stream. */
    private static final int MAX_INSPECTED = 1024 * 1024;

    /** The client's TCP socket (under the TLS layer): closing it never blocks on a TLS close_notify. */
    private final Socket clientSocket;
    private final InputStream clientIn;
    private final OutputStream clientOut;
    private final Socket backendSocket;
    private final InputStream backendIn;
    private final OutputStream backendOut;
    /** Rewrites IAM user statements; null relays the client's bytes unread (a compressed session). */
    private final IamUsers iamUsers;

    MysqlRelay(Socket clientSocket, InputStream clientIn, OutputStream clientOut, Socket backendSocket,
            InputStream backendIn, OutputStream backendOut, IamUsers iamUsers) {
        this.clientSocket = clientSocket;
        this.clientIn = clientIn;
        this.clientOut = clientOut;
        this.backendSocket = backendSocket;
        this.backendIn = backendIn;
        this.backendOut = backendOut;
        this.iamUsers = iamUsers;
    }

    /** Relays until either side closes; runs client-to-backend on the calling thread. */
    void run(ExecutorService threads) {
        threads.execute(() -> {
            copy(backendIn, clientOut);
            close();
        });
        try {
            if (iamUsers == null) {
                copy(clientIn, backendOut);
            } else {
                clientCommandsToBackend();
            }
        } catch (IOException e) {
            // Either side went away; closing both ends the session.
        } finally {
            close();
        }
    }

    private static void copy(InputStream in, OutputStream out) {
        byte[] buf = new byte[BUFFER_SIZE];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // Either side went away; the caller closes both.
        }
    }

    private void clientCommandsToBackend() throws IOException {
        byte[] header = new byte[4];
        byte[] buf = new byte[BUFFER_SIZE];
        while (clientIn.readNBytes(header, 0, 4) == 4) {
            int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
            int sequence = header[3] & 0xff;
            if (sequence == 0 && length > 0 && length <= MAX_INSPECTED) {
                byte[] payload = MysqlWire.readFully(clientIn, length);
                backendOut.write(MysqlWire.frame(sequence, rewrite(payload)));
                backendOut.flush();
                continue;
            }
            backendOut.write(header);
            int left = length;
            while (left > 0) {
                int n = clientIn.read(buf, 0, Math.min(buf.length, left));
                if (n < 0) {
                    return;
                }
                backendOut.write(buf, 0, n);
                left -= n;
            }
            backendOut.flush();
        }
    }

    /** A COM_QUERY with an IAM user statement, rewritten; any other command as it came. */
    private byte[] rewrite(byte[] command) {
        if ((command[0] & 0xff) != MysqlWire.COM_QUERY) {
            return command;
        }
        String rewritten = iamUsers.rewrite(new String(command, 1, command.length - 1, StandardCharsets.UTF_8));
        if (rewritten == null) {
            return command;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(MysqlWire.COM_QUERY);
        b.writeBytes(rewritten.getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    private void close() {
        MysqlGateway.closeQuietly(clientSocket);
        MysqlGateway.closeQuietly(backendSocket);
    }
}
