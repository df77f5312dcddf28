package dev.sluice.settings;

import dev.sluice.ErrorKind;
import dev.sluice.SluiceException;

/** A {@code SLUICE_*} variable has a value sluice cannot use: names the variable and what it expected. */
public class SettingsException extends SluiceException {
    private static final long serialVersionUID = 1L;

    private final String variable;

    public SettingsException(String variable, String problem) {
        super(ErrorKind.CONFIG, variable + ": " + problem);
        this.variable = variable;
    }

    public String variable() {
        return variable;
    }
}
