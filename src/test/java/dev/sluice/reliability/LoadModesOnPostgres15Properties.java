package dev.sluice.reliability;

/** The load modes' properties on PostgreSQL 15. */
class LoadModesOnPostgres15Properties extends LoadModesProperties {
    @Override
    int postgresMajor() {
        return 15;
    }
}
