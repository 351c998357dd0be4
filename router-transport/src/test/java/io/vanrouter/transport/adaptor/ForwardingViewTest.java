package io.vanrouter.transport.adaptor;

import static org.assertj.core.api.Assertions.assertThat;

import io.vanrouter.core.address.AddressRules;
import io.vanrouter.core.address.AddressSnapshotView;
import io.vanrouter.core.path.Route;
import io.vanrouter.core.path.RoutingTable;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ForwardingViewTest {
    private final ForwardingView empty = ForwardingView.empty("a", AddressRules.none());
    private final RoutingTable toB = new RoutingTable("a", 1, Map.of("b", new Route("b", "b", 7, 1, 1)), Set.of());

    @Test
    void shouldKeepTheAddressesWhenTheRoutesChangeAndCountTheChange() {
        ForwardingView next = empty.withRoutes(toB);

        assertThat(next.generation()).isEqualTo(empty.generation() + 1);
        assertThat(next.routes()).isSameAs(toB);
        assertThat(next.addresses()).isSameAs(empty.addresses());
        assertThat(empty.routes().routes()).as("the old view is unchanged").isEmpty();
    }

    @Test
    void shouldKeepTheRoutesWhenTheAddressesChangeAndCountTheChange() {
        AddressSnapshotView addresses = AddressSnapshotView.empty("a", AddressRules.none());
        ForwardingView next = empty.withRoutes(toB).withAddresses(addresses);

        assertThat(next.generation()).isEqualTo(empty.generation() + 2);
        assertThat(next.routes()).isSameAs(toB);
        assertThat(next.addresses()).isSameAs(addresses);
    }

    @Test
    void shouldAnswerTheRoutingViewsPartsFromOneValue() {
        ForwardingView view = empty.withRoutes(toB);
        RoutingView routing = new RoutingView() {
            @Override
            public ForwardingView forwarding() {
                return view;
            }

            @Override
            public AutoCloseable onForwardingChange(Runnable listener) {
                return () -> { };
            }
        };

        assertThat(routing.routingTable()).isSameAs(view.routes());
        assertThat(routing.addressView()).isSameAs(view.addresses());
    }
}
