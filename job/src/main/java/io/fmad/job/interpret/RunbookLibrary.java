package io.fmad.job.interpret;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Reads a runbook folder: every regular file directly in it whose name ends with {@code .md}
 * (case-insensitive) is one entry, in file name order. Other files and subfolders are ignored.
 * Each entry needs a Markdown ATX heading ({@code # Title}, any level) as its title; the text
 * before the heading is dropped and the text after it is the body. Files are read as UTF-8.
 */
public final class RunbookLibrary {

    /** File name ending of runbook entries, compared case-insensitively. */
    public static final String EXTENSION = ".md";

    private RunbookLibrary() {}

    /**
     * Reads every entry of {@code folder}.
     *
     * @throws IllegalArgumentException if the folder is missing or not a directory, contains no
     *     {@code .md} file, or a file is unreadable, not UTF-8 or has no heading; the message names
     *     the path
     */
    public static List<RunbookEntry> load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(
                    Files.exists(folder) ? folder + " is not a directory" : "directory " + folder + " not found");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(RunbookLibrary::isEntryFile).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("failed to list directory " + folder + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("directory " + folder + " contains no *" + EXTENSION + " file");
        }

        List<RunbookEntry> entries = new ArrayList<>(files.size());
        for (Path file : files) {
            entries.add(parse(file.getFileName().toString(), read(file)));
        }
        return entries;
    }

    /**
     * Parses one entry's Markdown text.
     *
     * @throws IllegalArgumentException if the text has no heading line or the heading is empty
     */
    static RunbookEntry parse(String source, String markdown) {
        List<String> lines = markdown.lines().toList();
        for (int index = 0; index < lines.size(); index++) {
            String title = headingText(lines.get(index));
            if (title == null) {
                continue;
            }
            if (title.isEmpty()) {
                throw new IllegalArgumentException(
                        "runbook entry " + source + " has an empty heading on line " + (index + 1));
            }
            String body = String.join("\n", lines.subList(index + 1, lines.size())).strip();
            return new RunbookEntry(source, title, body);
        }
        throw new IllegalArgumentException(
                "runbook entry " + source + " has no Markdown heading such as '# Disk full' to use as its title");
    }

    private static boolean isEntryFile(Path path) {
        String name = path.getFileName().toString();
        return Files.isRegularFile(path) && name.toLowerCase(Locale.ROOT).endsWith(EXTENSION);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("runbook entry " + file + " is not valid UTF-8", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("failed to read runbook entry " + file + ": " + e, e);
        }
    }

    /** Returns the text of an ATX heading line (1 to 6 '#' and a space), or null for other lines. */
    private static String headingText(String line) {
        String trimmed = line.stripLeading();
        int level = 0;
        while (level < trimmed.length() && trimmed.charAt(level) == '#') {
            level++;
        }
        if (level == 0 || level > 6) {
            return null;
        }
        if (level < trimmed.length() && trimmed.charAt(level) != ' ' && trimmed.charAt(level) != '\t') {
            return null;
        }
        // A closing sequence of '#' is not part of the title.
        return trimmed.substring(level).strip().replaceAll("\\s+#+$", "").replaceAll("^#+$", "").strip();
    }
}
