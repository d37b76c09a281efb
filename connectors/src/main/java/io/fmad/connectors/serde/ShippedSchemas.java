package io.fmad.connectors.serde;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writer schemas shipped with the job, for resolving Avro single-object encoded records.
 *
 * <p>Besides each record class's current schema, older and newer versions of the record schemas
 * ship as classpath resources under {@value #HISTORY_DIRECTORY}. Because a directory cannot be
 * listed reliably inside a jar, every classpath entry that contributes schemas also contains an
 * index file {@value #HISTORY_INDEX} with one resource name (relative to the directory) per line.
 * Blank lines and lines starting with {@code #} are ignored. All index files on the classpath are
 * read, so a job jar or a test can add schemas without replacing the ones shipped here.
 */
public final class ShippedSchemas {

    /** Classpath directory that contains historical and future versions of the record schemas. */
    public static final String HISTORY_DIRECTORY = "io/fmad/avro/history/";

    /** Index of the schema files in {@link #HISTORY_DIRECTORY}, one name per line. */
    public static final String HISTORY_INDEX = HISTORY_DIRECTORY + "schemas.index";

    private static final Logger LOG = LoggerFactory.getLogger(ShippedSchemas.class);

    private ShippedSchemas() {}

    /**
     * Loads every schema listed in the {@value #HISTORY_INDEX} files visible to the class loader.
     *
     * @throws UncheckedIOException if an index names a missing resource or a schema fails to parse
     */
    public static List<Schema> loadHistory(ClassLoader classLoader) {
        Set<String> names = new LinkedHashSet<>();
        try {
            Enumeration<URL> indexes = classLoader.getResources(HISTORY_INDEX);
            while (indexes.hasMoreElements()) {
                names.addAll(readIndex(indexes.nextElement()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read schema index " + HISTORY_INDEX, e);
        }

        List<Schema> schemas = new ArrayList<>();
        for (String name : names) {
            schemas.add(parseResource(classLoader, HISTORY_DIRECTORY + name));
        }
        return schemas;
    }

    /**
     * Builds a schema store that contains {@code current} and every schema from {@link
     * #loadHistory} with the same full name as {@code current}.
     */
    public static SchemaStore.Cache storeFor(Schema current, ClassLoader classLoader) {
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(current);
        for (Schema schema : loadHistory(classLoader)) {
            if (schema.getFullName().equals(current.getFullName())) {
                store.addSchema(schema);
                LOG.debug(
                        "Registered shipped writer schema {} with fingerprint {}",
                        schema.getFullName(),
                        Long.toHexString(SchemaNormalization.parsingFingerprint64(schema)));
            }
        }
        return store;
    }

    private static List<String> readIndex(URL index) throws IOException {
        List<String> names = new ArrayList<>();
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(index.openStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static Schema parseResource(ClassLoader classLoader, String resource) {
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UncheckedIOException(
                        new IOException(
                                "Schema resource "
                                        + resource
                                        + " is listed in "
                                        + HISTORY_INDEX
                                        + " but not found on the classpath"));
            }
            // A fresh parser per file, because one parser rejects a second definition of a name.
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read schema resource " + resource, e);
        }
    }
}
