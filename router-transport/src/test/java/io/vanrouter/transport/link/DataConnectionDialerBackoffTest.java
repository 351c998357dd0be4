package io.vanrouter.transport.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LongSummaryStatistics;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** A data connection's redials back off with jitter and never wait longer than the cap. */
class DataConnectionDialerBackoffTest {
    private static final int DRAWS = 10_000;

    @Test
    void shouldNeverWaitLongerThanTheCapOnceTheBackoffReachesIt() {
        LongSummaryStatistics atCap = draws(DataConnectionDialer.RETRY_MAX_MILLIS);

        assertThat(atCap.getMax()).isLessThanOrEqualTo(DataConnectionDialer.RETRY_MAX_MILLIS);
        // Still spread over the cap's lower 20 %, so data connections lost together do not redial together.
        assertThat(atCap.getMin()).isLessThan(DataConnectionDialer.RETRY_MAX_MILLIS * 85 / 100);
    }

    @Test
    void shouldSpreadAnEarlyDelayBothWays() {
        long initial = DataConnectionDialer.RETRY_INITIAL_MILLIS;

        LongSummaryStatistics early = draws(initial);

        assertThat(early.getMin()).isBetween(initial * 80 / 100, initial * 90 / 100);
        assertThat(early.getMax()).isBetween(initial * 110 / 100, initial * 120 / 100);
    }

    private static LongSummaryStatistics draws(long delayMillis) {
        return LongStream.range(0, DRAWS).map(i -> DataConnectionDialer.retryDelay(delayMillis)).summaryStatistics();
    }
}
