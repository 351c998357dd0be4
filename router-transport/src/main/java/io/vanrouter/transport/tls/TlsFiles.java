package io.vanrouter.transport.tls;

import java.nio.file.Path;

/**
 * Where a router's link credentials are: PEM files, re-read when they change.
 *
 * @param ca   the network CA certificate(s): a bundle of several lets a network move to a new CA one router at a time
 * @param cert this router's certificate (its chain up to the CA)
 * @param key  its private key (PKCS#8)
 * @param crl  the network's revocation list(s), or null for none
 */
public record TlsFiles(Path ca, Path cert, Path key, Path crl) {
}
