package dev.sluice.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever two publications hold and in whatever order, the matching splits them right: a new row is matched only
 * with an identical previous row, each previous row at most once, and every previous row left unmatched is handed
 * over; no row is lost. With the rows in the same order, small edits cost about their own rows. The window is
 * shrunk here (capacity 64, 8 ahead) so that small publications reach its limits.
 */
class RowMatcherProperties {

    /** A previous publication of {@code size} rows, each a distinct value; the next one edited from it. */
    @Property(tries = 300)
    void matches_only_identical_rows_and_loses_none(
            @ForAll @IntRange(min = 0, max = 400) int size,
            @ForAll @IntRange(min = 0, max = 5) int edit,
            @ForAll long seed)
            throws Exception {
        Random random = new Random(seed);
        List<Integer> previous = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            previous.add(i * 2);
        }
        List<Integer> next = edited(previous, edit, random);
        Outcome outcome = match(previous, next, 64, 8);
        // Each new row: matched (with an identical previous one) or staged.
        Map<Integer, Integer> previousCounts = counts(previous);
        Map<Integer, Integer> matchedCounts = counts(outcome.matched);
        matchedCounts.forEach((row, n) -> assertThat(n).isLessThanOrEqualTo(previousCounts.getOrDefault(row, 0)));
        assertThat(outcome.matched.size() + outcome.staged.size()).isEqualTo(next.size());
        // Each previous row: matched once, or handed over as unmatched.
        List<Integer> accounted = new ArrayList<>(outcome.matched);
        accounted.addAll(outcome.unmatched);
        Collections.sort(accounted);
        List<Integer> sortedPrevious = new ArrayList<>(previous);
        Collections.sort(sortedPrevious);
        assertThat(accounted).isEqualTo(sortedPrevious);
    }

    @Example
    void in_the_same_order_small_edits_cost_about_their_own_rows() throws Exception {
        List<Integer> previous = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            previous.add(i * 2);
        }
        List<Integer> next = new ArrayList<>(previous);
        next.subList(100, 120).clear(); // a block withdrawn, wider than the look-ahead
        for (int i = 5_000; i < 5_050; i++) {
            next.add(i, -i); // a block added
        }
        next.set(7_000, 1); // a row revised
        next.addAll(List.of(-1, -2, -3)); // rows appended
        Outcome outcome = match(previous, next, 64, 8);
        // The rows added and revised are staged; so are the rows after the block withdrawn that the window reached
        // only late (it reads two rows further per row unmatched: 20 - 8 + 1 of them).
        assertThat(outcome.staged).hasSizeBetween(50 + 1 + 3, 50 + 1 + 3 + 13);
        assertThat(outcome.unmatched).hasSizeBetween(20 + 1, 20 + 1 + 13);
    }

    @Example
    void a_block_withdrawn_wider_than_the_window_costs_its_width_not_the_rest_of_the_file() throws Exception {
        List<Integer> previous = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            previous.add(i * 2);
        }
        List<Integer> next = new ArrayList<>(previous);
        next.subList(1_000, 1_500).clear(); // 500 withdrawn: eight times the window
        Outcome outcome = match(previous, next, 64, 8);
        // The window slides on once the rows have gone unmatched for longer than it is wide, and catches up.
        assertThat(outcome.staged).hasSizeLessThanOrEqualTo(500 + 64 + 8);
        assertThat(outcome.matched).hasSizeGreaterThan(next.size() - 500 - 64 - 8);
    }

    private static List<Integer> edited(List<Integer> previous, int edit, Random random) {
        List<Integer> next = new ArrayList<>(previous);
        switch (edit) {
            case 0 -> Collections.shuffle(next, random);
            case 1 -> {
                for (int i = 0; i < next.size(); i++) {
                    if (random.nextInt(10) == 0) {
                        next.set(i, next.get(i) + 1); // revised
                    }
                }
            }
            case 2 -> {
                if (!next.isEmpty()) {
                    int from = random.nextInt(next.size());
                    next.subList(from, Math.min(next.size(), from + random.nextInt(200)))
                            .clear();
                }
            }
            case 3 -> {
                int at = next.isEmpty() ? 0 : random.nextInt(next.size());
                for (int i = 0; i < random.nextInt(200); i++) {
                    next.add(at, -1 - i);
                }
            }
            case 4 -> {
                if (!next.isEmpty()) {
                    next.add(next.get(random.nextInt(next.size()))); // a row repeated
                }
                Collections.rotate(next, random.nextInt(next.size() + 1));
            }
            default -> Collections.reverse(next);
        }
        return next;
    }

    private record Outcome(List<Integer> matched, List<Integer> staged, List<Integer> unmatched) {}

    private static Outcome match(List<Integer> previous, List<Integer> next, int capacity, int ahead) throws Exception {
        Path file = Files.createTempFile("digest", ".bin");
        try {
            PublicationDigest.Identity identity;
            try (PublicationDigest.Writer writer = new PublicationDigest.Writer(file, "v integer key v")) {
                for (int row : previous) {
                    writer.add(hash(row), bytes(row));
                }
                identity = writer.finish();
            }
            List<Integer> matched = new ArrayList<>();
            List<Integer> staged = new ArrayList<>();
            List<Integer> unmatched = new ArrayList<>();
            try (PublicationDigest.Reader reader = new PublicationDigest.Reader(file, identity, "v integer key v")) {
                RowMatcher matcher = new RowMatcher(
                        reader, e -> unmatched.add(ByteBuffer.wrap(e.key()).getInt()), capacity, ahead);
                for (int row : next) {
                    (matcher.matches(hash(row)) ? matched : staged).add(row);
                }
                matcher.finish();
            }
            return new Outcome(matched, staged, unmatched);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static byte[] bytes(int row) {
        return ByteBuffer.allocate(4).putInt(row).array();
    }

    private static RowHash hash(int row) {
        byte[] bytes = bytes(row);
        return RowHash.of(bytes, 0, bytes.length);
    }

    private static Map<Integer, Integer> counts(List<Integer> rows) {
        Map<Integer, Integer> counts = new HashMap<>();
        rows.forEach(r -> counts.merge(r, 1, Integer::sum));
        return counts;
    }
}
