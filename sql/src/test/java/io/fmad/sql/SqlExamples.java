package io.fmad.sql;

import java.util.ArrayList;
import java.util.List;

/** Extracts the SQL statements of a Markdown page's {@code ## Example} section. */
final class SqlExamples {

    private static final String SECTION = "## Example";
    private static final String FENCE_START = "```sql";
    private static final String FENCE_END = "```";

    private SqlExamples() {}

    /**
     * Returns the statements of every {@code sql} code block in the section, split at semicolons
     * that end a line, without the semicolons.
     *
     * @throws IllegalArgumentException if the page has no such section or block
     */
    static List<String> statements(String markdown) {
        int section = markdown.indexOf("\n" + SECTION + "\n");
        if (section < 0) {
            throw new IllegalArgumentException("The page has no '" + SECTION + "' section");
        }
        int sectionEnd = markdown.indexOf("\n## ", section + 1);
        String body = markdown.substring(section, sectionEnd < 0 ? markdown.length() : sectionEnd);

        StringBuilder sql = new StringBuilder();
        int from = 0;
        while (true) {
            int start = body.indexOf(FENCE_START, from);
            if (start < 0) {
                break;
            }
            int codeStart = body.indexOf('\n', start) + 1;
            int end = body.indexOf("\n" + FENCE_END, codeStart);
            sql.append(body, codeStart, end).append('\n');
            from = end + FENCE_END.length() + 1;
        }
        if (sql.length() == 0) {
            throw new IllegalArgumentException("The '" + SECTION + "' section has no ```sql block");
        }

        List<String> statements = new ArrayList<>();
        for (String statement : sql.toString().split(";\\s*\n")) {
            if (!statement.isBlank()) {
                statements.add(statement.trim());
            }
        }
        return statements;
    }
}
