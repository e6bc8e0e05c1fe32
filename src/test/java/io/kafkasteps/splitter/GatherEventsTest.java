package io.kafkasteps.splitter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** One strategy for both splits: stopped parts left out, a failed part fails the whole, order kept. */
class GatherEventsTest {

    private final CamelContext context = new DefaultCamelContext();

    private Exchange part(Object body) {
        Exchange e = new DefaultExchange(context);
        e.getMessage().setBody(body);
        return e;
    }

    private static Exchange gather(GatherEvents strategy, Exchange... parts) {
        Exchange gathered = null;
        for (Exchange p : parts) {
            gathered = strategy.aggregate(gathered, p);
        }
        return gathered;
    }

    @Test
    void events_are_gathered_in_order_and_a_stopped_one_is_left_out() {
        Exchange a = part("a"), b = part("b"), c = part("c");
        a.setRouteStop(true);
        Exchange gathered = gather(new GatherEvents("events"), a, b, c);
        assertThat(gathered.getMessage().getBody(List.class)).containsExactly(b, c);
        assertThat(gathered.isRouteStop()).as("a stopped event never stops the split's caller").isFalse();
    }

    @Test
    void records_add_their_event_lists_and_nothing_else() {
        Exchange e1 = part("e1"), e2 = part("e2"), e3 = part("e3");
        Exchange gathered = gather(new GatherEvents("records"), part(List.of(e1, e2)), part(null), part(""), part(List.of(e3)));
        assertThat(gathered.getMessage().getBody(List.class)).containsExactly(e1, e2, e3);
    }

    @Test
    void a_failed_part_fails_the_whole_result() {
        Exchange bad = part("b");
        bad.setException(new IllegalStateException("boom"));
        Exchange gathered = gather(new GatherEvents("events"), part("a"), bad, part("c"));
        assertThat(gathered.getException()).hasMessage("boom");
    }

    @Test
    void parts_are_named() {
        assertThatThrownBy(() -> new GatherEvents("batches")).isInstanceOf(IllegalArgumentException.class);
    }
}
