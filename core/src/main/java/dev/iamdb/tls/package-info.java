/**
 * TLS for the connections iamdb opens: which certificate authorities an AWS database endpoint is trusted by,
 * and how a certificate is checked against the host the token is signed for. The JDBC driver instantiates
 * these classes by name from the properties iamdb sets (see {@code docs/configuration.md}, TLS);
 * applications do not use them directly.
 */
package dev.iamdb.tls;
