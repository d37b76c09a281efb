package io.fmad.cluster;

import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.NetUtils;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.Properties;

/**
 * Creates a Prometheus reporter whose HTTP server binds one host, by default 127.0.0.1.
 *
 * <p>Flink 2.2.1's own {@code PrometheusReporter} binds every interface and has no option for
 * the host. This reporter reuses Flink's {@link AbstractPrometheusReporter}, so metric names and
 * labels are the same, and serves its registry on {@code host} at the first free port of
 * {@code port} (a port or a range such as {@code 9249-9250}, one port per JVM).
 *
 * <pre>
 * metrics.reporter.prom.factory.class: io.fmad.cluster.LoopbackPrometheusReporterFactory
 * metrics.reporter.prom.host: 127.0.0.1
 * metrics.reporter.prom.port: 9249-9250
 * </pre>
 */
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {

    static final String HOST_KEY = "host";
    static final String PORT_KEY = "port";
    static final String DEFAULT_HOST = "127.0.0.1";
    static final String DEFAULT_PORT = "9249";

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        String host = properties.getProperty(HOST_KEY, DEFAULT_HOST);
        String ports = properties.getProperty(PORT_KEY, DEFAULT_PORT);
        return new LoopbackPrometheusReporter(host, ports);
    }

    /** Flink's Prometheus collectors, served on one host and port. */
    static final class LoopbackPrometheusReporter extends AbstractPrometheusReporter {

        private final HTTPServer httpServer;

        LoopbackPrometheusReporter(String host, String ports) {
            CollectorRegistry collectors = registryOf(this);
            Iterator<Integer> candidates = NetUtils.getPortRangeFromString(ports);
            HTTPServer server = null;
            IOException lastFailure = null;
            while (server == null && candidates.hasNext()) {
                int port = candidates.next();
                try {
                    server = new HTTPServer(new InetSocketAddress(host, port), collectors);
                    log.info("Started Prometheus reporter HTTP server on {}:{}", host, port);
                } catch (IOException e) {
                    log.debug("Port {} on {} is not free for the Prometheus reporter", port, host, e);
                    lastFailure = e;
                }
            }
            if (server == null) {
                throw new IllegalStateException(
                        "No free port for the Prometheus reporter on " + host + " in '" + ports
                                + "'. Set metrics.reporter.prom.port to a range with one port per JVM.",
                        lastFailure);
            }
            this.httpServer = server;
        }

        @Override
        public void close() {
            httpServer.stop();
            super.close();
        }

        /**
         * Reads the registry that Flink's collectors register with. The field is package-private
         * in flink-metrics-prometheus 2.2.1; a Flink version that renames it fails here, when the
         * reporter is created, with the field's name in the message.
         */
        private static CollectorRegistry registryOf(AbstractPrometheusReporter reporter) {
            try {
                Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
                field.setAccessible(true);
                return (CollectorRegistry) field.get(reporter);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(
                        "AbstractPrometheusReporter has no readable field 'registry' in this Flink"
                                + " version; use Flink's PrometheusReporterFactory instead",
                        e);
            }
        }
    }
}
