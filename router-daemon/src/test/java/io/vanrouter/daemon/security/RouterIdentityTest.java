package io.vanrouter.daemon.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.transport.tls.RouterIdentity;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RouterIdentityTest {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    @Test
    void shouldNameTheRouterInAUriSan() {
        assertThat(RouterIdentity.uriOf("site-a")).isEqualTo("vanrouter://router/site-a");
        assertThat(RouterIdentity.uriOf("a/b%ü")).isEqualTo("vanrouter://router/a%2Fb%25%C3%BC");
    }

    @Test
    void shouldReadBackAnyRouterIdFromAnIssuedCertificate() {
        CertificateAuthority ca = CertificateAuthority.create("acme", 10, NOW);
        for (String id : new String[] {"site-a", "42", "a/b%ü", "例え.router"}) {
            assertThat(RouterIdentity.routerIdOf(ca.issue(id, 1, NOW).certificate())).as(id).contains(id);
        }
    }

    @Test
    void shouldFindNoRouterIdInACertificateWithoutTheSan() {
        CertificateAuthority ca = CertificateAuthority.create("acme", 10, NOW);

        assertThat(RouterIdentity.routerIdOf(ca.certificate())).isEmpty();
    }

    @Test
    void shouldTakeTheNetworkFromTheCaSubject() {
        CertificateAuthority ca = CertificateAuthority.create("acme,corp=1", 10, NOW);

        assertThat(CertificateAuthority.networkOf(ca.certificate())).contains("acme,corp=1");
        assertThat(ca.network()).isEqualTo("acme,corp=1");
    }
}
