package dev.sluice.reliability;

/**
 * The load modes on PostgreSQL 15, whose planner makes sluice compare a publication with the table in other
 * statements (a join and an anti-join where 16 and later run one parallel full join).
 */
class LoadModesOnPostgres15IT extends LoadModesIT {
    @Override
    int postgresMajor() {
        return 15;
    }
}
