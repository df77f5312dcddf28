package dev.sluice.reliability;

/** The digest comparison's properties on PostgreSQL 15. */
class ComparisonOnPostgres15Properties extends ComparisonProperties {
    @Override
    int postgresMajor() {
        return 15;
    }
}
