package io.fmad.job.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

class LogTemplateNormalizerTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                // numbers
                "user 4711 logged in|user <NUM> logged in",
                "took 12.5 ms|took <NUM> ms",
                "offset -42 is invalid|offset <NUM> is invalid",
                "x=-3 y=+4|x=<NUM> y=<NUM>",
                "ratio 1.5e-3 exceeded|ratio <NUM> exceeded",
                "GC pause 250ms|GC pause <NUM>ms",
                "disk at 95%|disk at <NUM>%",
                "connect to db-7 failed|connect to db-<NUM> failed",
                "worker host42 started|worker host<NUM> started",
                "retrying 3 of 5|retrying <NUM> of <NUM>",
                "partitions [1, 2, 3] assigned|partitions [<NUM>] assigned",
                "version 2.14.1 loaded|version <NUM> loaded",
                // ids
                "request 3f2a1c9e-8b7d-4e6f-a5c4-1b2d3e4f5a6b done|request <UUID> done",
                "REQUEST 3F2A1C9E-8B7D-4E6F-A5C4-1B2D3E4F5A6B DONE|REQUEST <UUID> DONE",
                "segfault at 0x7ffd3a2b ip 0x00401a2c|segfault at <HEX> ip <HEX>",
                "job 7f3a switched to FAILED|job <HEX> switched to FAILED",
                "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 deployed|commit <HEX> deployed",
                "trace_id=4bf92f3577b34da6a3ce929d0e0e4736|trace_id=<HEX>",
                "session Xy7KpQ2abc9 expired|session <ID> expired",
                "token aB3dE5gH7jK9 issued|token <ID> issued",
                // words without digits stay
                "cache dead beef face added|cache dead beef face added",
                "connection refused|connection refused",
                "std::vector<int> resized|std::vector<int> resized",
                // addresses
                "from 10.0.0.7:5522 via 192.168.1.1|from <IP> via <IP>",
                "peer 10.0.0.7.|peer <IP>.",
                "bound to ::1 and fe80::1ff:fe23:4567:890a|bound to <IP> and <IP>",
                "addr 2001:0db8:85a3:0000:0000:8a2e:0370:7334 up|addr <IP> up",
                "prefix 2001:db8:: routed|prefix <IP> routed",
                "nic 00:1A:2b:3C:4d:5E link up|nic <MAC> link up",
                "nic 00-1A-2B-3C-4D-5E link up|nic <MAC> link up",
                "GET https://api.example.com/v1/users/42?page=2 200|GET <URL> <NUM>",
                "see http://localhost:8080/health.|see <URL>",
                "mail to ops+alerts@example.co.uk failed|mail to <EMAIL> failed",
                // times
                "at 2024-03-01T12:00:00.123Z started|at <TIME> started",
                "at 2024-03-01 12:00:00,456 started|at <TIME> started",
                "at 2024-03-01T12:00:00+01:00 started|at <TIME> started",
                "rotated on 2024-03-01|rotated on <TIME>",
                "Mar 1 07:12:55 host sshd|Mar <NUM> <TIME> host sshd",
                // paths
                "cannot open /var/lib/kafka/data/00000123.log|cannot open <PATH>",
                "wrote ~/backups/db.tar.gz|wrote <PATH>",
                "loading ./conf/app.yaml|loading <PATH>",
                "GET /health 200|GET /health <NUM>",
                "GET /api/v1/orders/991 404|GET <PATH> <NUM>",
                "cannot read C:\\logs\\app-3.log|cannot read <PATH>",
                "read and/or write|read and/or write",
            })
    void normalize_masksVariableParts(String message, String template) {
        assertThat(LogTemplateNormalizer.normalize(message)).isEqualTo(template);
    }

    @Test
    void normalize_collapsesWhitespace() {
        String template = LogTemplateNormalizer.normalize("  two   spaces\tand\ttabs \r\n next line  ");

        assertThat(template).isEqualTo("two spaces and tabs next line");
    }

    @Test
    void normalize_sameTemplateForDifferentValues() {
        Random random = new Random(7);
        Set<String> templates = new HashSet<>();

        for (int i = 0; i < 200; i++) {
            String message = String.format(
                    Locale.ROOT,
                    "%s request %s from %d.%d.%d.%d:%d for /data/u%d/file.bin took %.3f ms, id %08x%04x",
                    UUID.nameUUIDFromBytes(new byte[] {(byte) i}),
                    Long.toHexString(random.nextLong() | 1L << 60),
                    random.nextInt(256), random.nextInt(256), random.nextInt(256), random.nextInt(256),
                    1024 + random.nextInt(60_000),
                    random.nextInt(1000),
                    random.nextDouble() * 1000,
                    random.nextInt() | 0xa0000000,
                    random.nextInt(0x10000));
            templates.add(LogTemplateNormalizer.normalize(message));
        }

        assertThat(templates).containsExactly("<UUID> request <HEX> from <IP> for <PATH> took <NUM> ms, id <HEX>");
    }

    @Test
    void normalize_isIdempotent() {
        String[] messages = {
            "user 4711 logged in from 10.0.0.7:5522 at 2024-03-01T12:00:00Z",
            "GET https://example.com/a?b=1 -> 503 after 3 retries",
            "cannot open /var/lib/x/1.log: errno 28, 0x1c",
        };

        for (String message : messages) {
            String template = LogTemplateNormalizer.normalize(message);
            assertThat(LogTemplateNormalizer.normalize(template)).as(message).isEqualTo(template);
        }
    }

    @Test
    void normalize_readsOnlyTheMessageStart() {
        String head = "x".repeat(LogTemplateNormalizer.MAX_MESSAGE_CHARS);

        String template = LogTemplateNormalizer.normalize(head + " user 42");

        assertThat(template).isEqualTo(head);
    }

    @Test
    void normalize_capsTemplateLength() {
        // Each 4-character "1 x " becomes the 8-character "<NUM> x ".
        String message = "1 x ".repeat(LogTemplateNormalizer.MAX_MESSAGE_CHARS / 4);

        String template = LogTemplateNormalizer.normalize(message);

        assertThat(template).hasSize(LogTemplateNormalizer.MAX_TEMPLATE_CHARS);
        assertThat(template).startsWith("<NUM> x <NUM> x ");
    }

    @Test
    void normalize_fastOnAdversarialInput() {
        String[] messages = {
            "a.".repeat(500_000) + "@",
            "1.".repeat(500_000),
            "ab12".repeat(250_000),
            "::".repeat(500_000) + "1",
            "/a".repeat(500_000),
            "0-".repeat(500_000),
        };

        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (String message : messages) {
                for (int i = 0; i < 100; i++) {
                    LogTemplateNormalizer.normalize(message);
                }
            }
        });
    }

    @Test
    void normalize_emptyMessageGivesEmptyTemplate() {
        assertThat(LogTemplateNormalizer.normalize("")).isEmpty();
        assertThat(LogTemplateNormalizer.normalize(" \t ")).isEmpty();
    }
}
