package io.nacosistio.plugin.document;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads every document of one config's content: the documents that passed, those refused with their
 * problems, and whether every document could at least be identified. Not thread-safe (the YAML reader
 * is not); one per thread.
 */
public final class ConfigDocuments {

    private final DocumentReader reader;
    private final DocumentParser parser = new DocumentParser();

    public ConfigDocuments(int maxContentBytes) {
        this.reader = new DocumentReader(maxContentBytes);
    }

    /** The outcome for a whole config. */
    public static final class Result {
        private final List<DocumentParser.Outcome> outcomes;
        private final List<DocumentProblem> contentProblems;
        private final boolean complete;

        Result(List<DocumentParser.Outcome> outcomes, List<DocumentProblem> contentProblems, boolean complete) {
            this.outcomes = Collections.unmodifiableList(outcomes);
            this.contentProblems = Collections.unmodifiableList(contentProblems);
            this.complete = complete;
        }

        /** One outcome per document that could be read as a mapping, in order. */
        public List<DocumentParser.Outcome> outcomes() {
            return outcomes;
        }

        /** Problems that concern the content rather than one readable document (syntax, size, non-mappings). */
        public List<DocumentProblem> contentProblems() {
            return contentProblems;
        }

        /**
         * False when the config may declare resources this result cannot name (a syntax error, oversized
         * content, a document without a readable kind and name): its previously served resources must stay.
         */
        public boolean complete() {
            return complete;
        }
    }

    public Result read(String content) {
        DocumentReader.Result raw = reader.read(content);
        List<DocumentParser.Outcome> outcomes = new ArrayList<>();
        boolean complete = raw.complete();
        for (RawDocument document : raw.documents()) {
            DocumentParser.Outcome outcome;
            try {
                outcome = parser.parse(document);
            } catch (RuntimeException e) {
                // A parser bug must cost one document, never the config or the plugin.
                List<DocumentProblem> problems = new ArrayList<>();
                problems.add(new DocumentProblem(document.index(), null, null, "", "could not be read: " + e));
                outcome = new DocumentParser.Outcome(null, problems, null, null, null);
            }
            if (!outcome.accepted() && !outcome.identified()) {
                complete = false;
            }
            outcomes.add(outcome);
        }
        return new Result(outcomes, raw.problems(), complete);
    }
}
