package dev.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FieldPathTest {
    @Test
    void a_path_is_names_separated_by_dots_a_dot_in_a_name_escaped() {
        assertThat(FieldPath.names("date")).containsExactly("date");
        assertThat(FieldPath.names("counts.cases")).containsExactly("counts", "cases");
        assertThat(FieldPath.names("1\\. open")).containsExactly("1. open");
        assertThat(FieldPath.names("Time Series\\.daily.2\\. high")).containsExactly("Time Series.daily", "2. high");
        assertThat(FieldPath.names("a\\\\.b")).containsExactly("a\\", "b");
        assertThat(FieldPath.names("a\\\\\\.b")).containsExactly("a\\.b");
    }

    @Test
    void escaping_a_name_gives_the_path_that_names_it() {
        for (String name : List.of("plain", "1. open", "a.b.c", "back\\slash", "\\.", "..")) {
            assertThat(FieldPath.names(FieldPath.escaped(name))).containsExactly(name);
        }
        assertThat(FieldPath.escaped("1. open")).isEqualTo("1\\. open");
    }

    @Test
    void an_empty_name_or_a_stray_backslash_is_refused() {
        for (String bad : List.of("", ".a", "a.", "a..b", "a\\b", "a\\")) {
            assertThatThrownBy(() -> FieldPath.names(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
