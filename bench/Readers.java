import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * Many people reading one dashboard: READERS threads, each a person who opens the dashboard's API calls one after
 * another (the page's own mix: pipelines, summary, a chart's series, a county's series, the county picker, a page of
 * rows, the runs and a run), for SECONDS. Prints, per endpoint, the median, p95 and p99 latency and the requests, and
 * fails when a request does not answer 200.
 *
 *   java bench/Readers.java http://127.0.0.1:8080 us-counties 50 60 RUN_ID
 */
public class Readers {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        String pipeline = args[1];
        int readers = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        String runId = args[4];
        String p = "/api/pipelines/" + pipeline;
        Map<String, String> endpoints = new TreeMap<>(Map.of(
                "pipelines", "/api/pipelines",
                "summary", p + "/summary",
                "series (all, summed)", p + "/series",
                "series (one county)", p + "/series?fips=%05d",
                "entities (picker)", p + "/entities?limit=20",
                "rows (a page)", p + "/rows?limit=100&fips=%05d",
                "runs", "/api/runs?limit=20",
                "run", "/api/runs/" + runId));
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        CountDownLatch done = new CountDownLatch(readers);
        for (int r = 0; r < readers; r++) {
            SplittableRandom random = new SplittableRandom(r);
            Thread reader = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        for (Map.Entry<String, String> endpoint : endpoints.entrySet()) {
                            String path = endpoint.getValue().formatted(1001 + random.nextInt(3200) * 3);
                            long start = System.nanoTime();
                            HttpResponse<byte[]> response = http.send(
                                    HttpRequest.newBuilder(URI.create(base + path))
                                            .timeout(Duration.ofSeconds(60))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofByteArray());
                            long micros = (System.nanoTime() - start) / 1_000;
                            if (response.statusCode() != 200) {
                                failures.add(path + ": HTTP " + response.statusCode());
                            }
                            latencies
                                    .computeIfAbsent(endpoint.getKey(), k -> new CopyOnWriteArrayList<>())
                                    .add(micros);
                        }
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                } finally {
                    done.countDown();
                }
            });
            reader.start();
        }
        done.await();
        List<Long> all = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%d readers for %d s%n", readers, seconds);
        System.out.printf(Locale.ROOT, "| %-22s | requests | median ms | p95 ms | p99 ms |%n", "endpoint");
        System.out.println("|---|---|---|---|---|");
        latencies.forEach((name, values) -> {
            all.addAll(values);
            print(name, values);
        });
        print("all", all);
        if (!failures.isEmpty()) {
            System.err.println(failures.size() + " failures, the first: " + failures.get(0));
            System.exit(1);
        }
    }

    private static void print(String name, List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "| %-22s | %,8d | %9.1f | %6.1f | %6.1f |%n",
                name,
                sorted.size(),
                at(sorted, 0.5) / 1000.0,
                at(sorted, 0.95) / 1000.0,
                at(sorted, 0.99) / 1000.0);
    }

    private static long at(List<Long> sorted, double quantile) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(quantile * sorted.size()) - 1));
    }
}
