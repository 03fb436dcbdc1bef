package dev.iamdb.tls;

import java.net.IDN;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * pgjdbc's {@code sslhostnameverifier} for connections through a tunnel, an IP address or another name: checks
 * the server certificate against the host the token is signed for ({@link AwsTrustSocketFactory#SIGNED_HOST}),
 * not the host connected to. The token is a bearer credential for that endpoint, so only a server that proves
 * to be that endpoint may receive it.
 *
 * <p>Names are matched as in RFC 6125: the certificate's DNS subject alternative names (a {@code *} only as
 * the whole left-most label), or its common name when it has none.
 */
public final class SignedHostVerifier implements HostnameVerifier {
    private final String signedHost;

    /** Called by pgjdbc with the connection's properties. */
    public SignedHostVerifier(Properties info) {
        String host = info.getProperty(AwsTrustSocketFactory.SIGNED_HOST);
        this.signedHost = host == null ? null : IDN.toASCII(host).toLowerCase(Locale.ROOT);
    }

    /** Ignores {@code connectedHost}: the certificate must name the signed host. */
    @Override
    public boolean verify(String connectedHost, SSLSession session) {
        if (signedHost == null) {
            return false;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf && names(leaf).stream().anyMatch(this::matches);
        } catch (SSLPeerUnverifiedException | CertificateParsingException | InvalidNameException e) {
            return false;
        }
    }

    private static List<String> names(X509Certificate leaf) throws CertificateParsingException, InvalidNameException {
        List<String> dns = new ArrayList<>();
        Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
        if (alternatives != null) {
            for (List<?> name : alternatives) {
                if (Integer.valueOf(2).equals(name.get(0))) {
                    dns.add(name.get(1).toString());
                }
            }
        }
        if (dns.isEmpty()) {
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    dns.add(rdn.getValue().toString());
                }
            }
        }
        return dns;
    }

    private boolean matches(String pattern) {
        String p = pattern.toLowerCase(Locale.ROOT);
        if (p.endsWith(".")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.startsWith("*.")) {
            return p.equals(signedHost);
        }
        int dot = signedHost.indexOf('.');
        return dot > 0 && signedHost.substring(dot).equals(p.substring(1));
    }

    @Override
    public String toString() {
        return "SignedHostVerifier[" + signedHost + "]";
    }
}
