package dev.sluice.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachedAnswersTest {
    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void many_asking_at_once_for_an_answer_compute_it_once() throws Exception {
        CachedAnswers answers = new CachedAnswers(1 << 20);
        int people = 20;
        CountDownLatch allAsked = new CountDownLatch(people);
        AtomicInteger computed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(people);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < people; i++) {
                results.add(pool.submit(() -> {
                    allAsked.countDown();
                    return answers.answer("p", 7, "def", "/summary", () -> {
                        computed.incrementAndGet();
                        // The first to compute holds on until everyone has asked: they wait for it or find its answer.
                        try {
                            assertThat(allAsked.await(30, TimeUnit.SECONDS)).isTrue();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                        return bytes("{\"rows\":1}");
                    });
                }));
            }
            for (Future<byte[]> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(bytes("{\"rows\":1}"));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(computed).hasValue(1);
    }

    @Test
    void a_new_version_of_the_data_is_computed_again_and_the_old_answer_let_go() throws Exception {
        CachedAnswers answers = new CachedAnswers(1 << 20);
        assertThat(answers.answer("p", 1, "def", "/summary", () -> bytes("old")))
                .isEqualTo(bytes("old"));
        assertThat(answers.answer("p", 1, "def", "/summary", () -> bytes("never computed")))
                .isEqualTo(bytes("old"));
        assertThat(answers.answer("p", 2, "def", "/summary", () -> bytes("new!")))
                .isEqualTo(bytes("new!"));
        assertThat(answers.bytes()).as("only the new answer is kept").isEqualTo(4);
        assertThat(answers.answer("p", 2, "other definition", "/summary", () -> bytes("other")))
                .as("a changed pipeline file is another answer")
                .isEqualTo(bytes("other"));
        assertThat(answers.answer("q", 2, "def", "/summary", () -> bytes("q's")))
                .as("another pipeline is another answer")
                .isEqualTo(bytes("q's"));
    }

    @Test
    void the_least_recently_read_answers_go_first_and_none_larger_than_an_eighth_is_kept() throws Exception {
        CachedAnswers answers = new CachedAnswers(800);
        for (int i = 0; i < 8; i++) {
            int n = i;
            answers.answer("p", 1, "def", "/series?n=" + n, () -> new byte[100]);
        }
        answers.answer("p", 1, "def", "/series?n=0", () -> bytes("recomputed"));
        answers.answer("p", 1, "def", "/series?n=8", () -> new byte[100]);
        assertThat(answers.bytes()).isLessThanOrEqualTo(800);
        AtomicInteger computed = new AtomicInteger();
        answers.answer("p", 1, "def", "/series?n=0", () -> {
            computed.incrementAndGet();
            return new byte[100];
        });
        assertThat(computed).as("n=0 was read lately: still kept").hasValue(0);
        answers.answer("p", 1, "def", "/series?n=1", () -> {
            computed.incrementAndGet();
            return new byte[100];
        });
        assertThat(computed).as("n=1 was the least recently read: gone").hasValue(1);
        answers.answer("p", 1, "def", "/big", () -> new byte[101]);
        answers.answer("p", 1, "def", "/big", () -> {
            computed.incrementAndGet();
            return new byte[101];
        });
        assertThat(computed).as("larger than an eighth: not kept").hasValue(2);
    }

    @Test
    void a_failed_computation_is_not_kept_and_fails_who_waited_for_it() throws Exception {
        CachedAnswers answers = new CachedAnswers(1 << 20);
        assertThatThrownBy(() -> answers.answer("p", 1, "def", "/summary", () -> {
                    throw new SQLException("canceling statement due to statement timeout", "57014");
                }))
                .isInstanceOf(SQLException.class);
        assertThat(answers.answer("p", 1, "def", "/summary", () -> bytes("now")))
                .isEqualTo(bytes("now"));
    }
}
