package dev.sluice.cli;

import dev.sluice.app.Wiring;
import dev.sluice.db.Database;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code sluice migrate}: create or upgrade sluice's schema. Other commands do it too; this does only that. */
@Command(
        name = "migrate",
        description = "Create or upgrade sluice's own schema (sluice.*) and exit.",
        footer = {"", "Examples:", "  sluice migrate --db postgres://owner@db:5432/warehouse"})
public final class MigrateCommand implements Callable<Integer> {
    private final Wiring wiring;
    private final Terminal terminal;

    @Mixin
    DatabaseOption database = new DatabaseOption();

    public MigrateCommand(Wiring wiring, Terminal terminal) {
        this.wiring = wiring;
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        try (Database db = wiring.database(database.url())) {
            db.dataSource();
            terminal.out().println("schema sluice is up to date in " + db.describe());
        }
        return 0;
    }
}
