package dev.sluice.config;

/** What a run does when the pipeline's columns and the existing table's differ. */
public enum SchemaPolicy {
    /**
     * A column added to the pipeline is added to the table (in the run's transaction); a column dropped from it stays,
     * nullable, with a warning; a changed type or key fails, saying the SQL that would migrate. The default.
     */
    EVOLVE,
    /** Any difference fails the run. */
    FREEZE
}
