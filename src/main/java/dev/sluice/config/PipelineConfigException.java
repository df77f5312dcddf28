package dev.sluice.config;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;

/** A pipeline file, or a command-line value that amends one, is invalid. Names the file, the line and the field. */
public class PipelineConfigException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int fileLine;
    private final String field;
    private final String problem;

    public PipelineConfigException(String file, int fileLine, String field, String problem) {
        super(ErrorKind.CONFIG, format(file, fileLine, field, problem));
        this.file = file;
        this.fileLine = fileLine;
        this.field = field;
        this.problem = problem;
    }

    private static String format(String file, int line, String field, String problem) {
        String where = line > 0 ? file + ":" + line : file;
        return field == null || field.isEmpty() ? where + ": " + problem : where + ": " + field + ": " + problem;
    }

    public String file() {
        return file;
    }

    /** 1-based line in the pipeline file; 0 when the problem is not on one line. */
    public int fileLine() {
        return fileLine;
    }

    /** The field's path, for example {@code sources[1].columns[0].type}. */
    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }
}
