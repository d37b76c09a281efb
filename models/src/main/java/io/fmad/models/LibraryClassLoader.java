package io.fmad.models;

import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.function.Supplier;

/**
 * Runs engine starts and model loads so that threads they start do not keep a Flink job's class
 * loader reachable.
 *
 * <p>JavaCPP and JNA start JVM-wide daemon threads ("JavaCPP Deallocator", "JNA Cleaner") when an
 * engine first uses them. A new thread keeps its creator's context class loader and an access
 * control context with the protection domain of every class on the creator's stack. On a Flink
 * TaskManager the creator is a task thread, so both refer to the job's class loader. That class
 * loader then stays reachable for the life of the JVM, held by the JNA Cleaner thread in a heap
 * dump taken after a cancel. This class sets the context class loader to fmad-models' own and runs
 * the action as privileged, which keeps the job's frames out of the inherited access control
 * context. It helps only when fmad-models is on the TaskManager's classpath (Flink's lib/).
 */
public final class LibraryClassLoader {

    private LibraryClassLoader() {}

    /** Returns {@code action}'s result, computed with fmad-models' class loader as context. */
    // doPrivileged is deprecated for removal, but Java 17 has no other API that keeps the caller's
    // frames out of a new thread's inherited access control context.
    @SuppressWarnings("removal")
    public static <T> T call(Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(LibraryClassLoader.class.getClassLoader());
        try {
            return AccessController.doPrivileged((PrivilegedAction<T>) action::get);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
