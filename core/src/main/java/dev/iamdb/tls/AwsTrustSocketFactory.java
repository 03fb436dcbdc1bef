package dev.iamdb.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * pgjdbc's {@code sslfactory} for AWS endpoints: verifies the server's chain against the JDK trust store and,
 * for RDS, Amazon RDS's bundled certificate authorities; and names the signed host in the TLS handshake (SNI),
 * so that a connection through a tunnel or an IP address still tells the server which endpoint it wants.
 *
 * <p>pgjdbc creates it with the connection's properties, in which iamdb sets {@link #SIGNED_HOST} and
 * {@link #TRUST_RDS}.
 */
public final class AwsTrustSocketFactory extends SSLSocketFactory {
    /** The connection property holding the host the token is signed for. */
    public static final String SIGNED_HOST = "iamdbSignedHost";
    /** The connection property that adds Amazon RDS's certificate authorities when {@code true}. */
    public static final String TRUST_RDS = "iamdbTrustRds";

    private final SSLSocketFactory delegate;
    private final String signedHost;

    /** Called by pgjdbc with the connection's properties. */
    public AwsTrustSocketFactory(Properties info) {
        this.delegate = AwsTrust.context(info.getProperty(TRUST_RDS)).getSocketFactory();
        this.signedHost = info.getProperty(SIGNED_HOST);
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return withServerName(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return withServerName(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return withServerName(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return withServerName(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return withServerName(delegate.createSocket(address, port, localAddress, localPort));
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    /** The JDK sends no server name when the host connected to is an IP address, as it is through a tunnel. */
    private Socket withServerName(Socket socket) {
        if (signedHost != null && socket instanceof SSLSocket ssl) {
            SNIHostName name;
            try {
                name = new SNIHostName(signedHost);
            } catch (IllegalArgumentException notAHostName) {
                // An IP address or a name SNI cannot carry: the handshake goes without, as the JDK's own would.
                return socket;
            }
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setServerNames(List.of(name));
            ssl.setSSLParameters(parameters);
        }
        return socket;
    }
}
