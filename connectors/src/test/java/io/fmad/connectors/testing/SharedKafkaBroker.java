package io.fmad.connectors.testing;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.fmad.connectors.kafka.EmbeddedKafkaBroker;

/**
 * JUnit extension that starts one {@link EmbeddedKafkaBroker} per test JVM, shared by all test
 * classes that use it, and closes it when the JVM's tests end (JUnit closes
 * {@link AutoCloseable} values of the root store). Tests get it as a parameter and use
 * their own topics.
 */
public final class SharedKafkaBroker implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(ExtensionContext.Namespace.create(SharedKafkaBroker.class))
                .getOrComputeIfAbsent("broker", key -> new Resource(), Resource.class)
                .broker;
    }

    private static final class Resource implements AutoCloseable {
        final EmbeddedKafkaBroker broker;

        Resource() {
            try {
                broker = EmbeddedKafkaBroker.start();
            } catch (IOException e) {
                throw new UncheckedIOException("Failed to start the embedded Kafka broker", e);
            }
        }

        @Override
        public void close() {
            broker.close();
        }
    }
}
