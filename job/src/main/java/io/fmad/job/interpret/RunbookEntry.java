package io.fmad.job.interpret;

import java.io.Serializable;

/**
 * One runbook entry: a Markdown file of the runbook folder.
 *
 * @param source the file name in the runbook folder, for example {@code disk-full.md}
 * @param title the text of the file's first heading, without the {@code #} marks
 * @param body the file's text without that heading, stripped of leading and trailing blanks
 */
public record RunbookEntry(String source, String title, String body) implements Serializable {

    /** Returns the text that is embedded for retrieval: title, blank line, body. */
    public String text() {
        return body.isEmpty() ? title : title + "\n\n" + body;
    }
}
