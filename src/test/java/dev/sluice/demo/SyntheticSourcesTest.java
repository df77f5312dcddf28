package dev.sluice.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticSourcesTest {
    private final SyntheticSources sources = new SyntheticSources(6);

    private static List<String> lines(byte[] file) {
        return Arrays.asList(new String(file, StandardCharsets.UTF_8).split("\n", -1));
    }

    @Test
    void the_same_day_is_the_same_bytes_every_time() {
        assertThat(new SyntheticSources(6).nyt(3)).isEqualTo(sources.nyt(3));
        assertThat(new SyntheticSources(6).jhu(5)).isEqualTo(sources.jhu(5));
    }

    @Test
    void files_are_shaped_like_the_real_sources() {
        List<String> nyt = lines(sources.nyt(1));
        assertThat(nyt.get(0)).isEqualTo("date,cases,deaths");
        assertThat(nyt.get(1)).isEqualTo("2020-01-21,1,0");
        assertThat(nyt.get(nyt.size() - 1)).startsWith("2021-12-31,").as("no final newline, like NYT");
        List<String> jhu = lines(sources.jhu(1));
        assertThat(jhu.get(0)).isEqualTo("Date,Country/Region,Province/State,Confirmed,Recovered,Deaths");
        assertThat(jhu.get(jhu.size() - 1)).isEmpty(); // a final newline, like JHU
        assertThat(jhu).anySatisfy(l -> assertThat(l).startsWith("2020-01-22,\"Korea, South\",,"));
        assertThat(jhu)
                .anySatisfy(l -> assertThat(l).startsWith("2020-12-14,US,,").contains(",0,"));
        assertThat(jhu).anySatisfy(l -> assertThat(l).startsWith("2020-06-01,US,Washington,"));
    }

    @Test
    void each_day_adds_one_date_day_3_revises_30_dates_and_day_4_is_malformed() {
        List<String> day2 = lines(sources.nyt(2));
        List<String> day3 = lines(sources.nyt(3));
        assertThat(day3).hasSize(day2.size() + 1);
        long changed = java.util.stream.IntStream.range(0, day2.size())
                .filter(i -> !day2.get(i).equals(day3.get(i)))
                .count();
        assertThat(changed).isEqualTo(40); // 30 revised dates, then 10 later cumulative totals carry the revision
        assertThat(lines(sources.nyt(4))).anySatisfy(l -> assertThat(l).endsWith(",-12"));
        assertThat(lines(sources.nyt(5))).noneSatisfy(l -> assertThat(l).endsWith(",-12"));
        assertThat(lines(sources.nyt(5)).subList(0, day3.size()))
                .isEqualTo(day3)
                .as("no re-revision later");
    }
}
