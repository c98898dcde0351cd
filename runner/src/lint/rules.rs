//! Which of squawk's rules the runner uses and how, the runner's own rules,
//! and for each hazard what it locks or rewrites and the safe way to write it.

use squawk_linter::Rule;

/// What a rule's finding means here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Locks or rewrites a live table, breaks running code, or cannot run:
    /// fails `runner lint` and is checked by the deploy gate.
    Hazard,
    /// A matter of taste (types, names): shown with `--style`, never fails.
    Style,
    /// Not used.
    Off,
}

/// The runner's own rules (squawk cannot know these).
pub const RERUNNABLE: &str = "rerunnable-no-transaction";
pub const WAIVER_REASON: &str = "waiver-missing-reason";
pub const WAIVER_UNKNOWN: &str = "waiver-unknown-rule";
pub const WAIVER_UNUSED: &str = "waiver-unused";
pub const SQUAWK_IGNORE: &str = "waiver-squawk-ignore";
pub const BASELINE_STALE: &str = "baseline-stale";
pub const BASELINE_INVALID: &str = "baseline-invalid";
pub const PARSE_ERROR: &str = "parse-error";

pub const OURS: &[&str] =
    &[RERUNNABLE, WAIVER_REASON, WAIVER_UNKNOWN, WAIVER_UNUSED, SQUAWK_IGNORE, BASELINE_STALE, BASELINE_INVALID, PARSE_ERROR];

pub fn class(rule: Rule) -> Class {
    use Rule::*;
    match rule {
        // The runner sets lock_timeout and statement_timeout on every session.
        RequireLockTimeout | RequireStatementTimeout | RequireTimeoutSettings => Class::Off,
        // Waivers are `-- runner:allow`; squawk's own ignores are findings.
        UnusedIgnore => Class::Off,
        PreferBigintOverInt | PreferBigintOverSmallint | PreferIdentity | PreferRobustStmts | PreferTextField
        | PreferTimestampTz | BanCharField | RequireEnumValueOrdering | IdentifierTooLong => Class::Style,
        // Targets resolve tables through their search_path (MUED lives in the
        // application's schema), so names are deliberately unqualified.
        RequireTableSchema => Class::Off,
        r if r.is_opt_in() => Class::Off,
        _ => Class::Hazard,
    }
}

/// The rules squawk runs for us: every hazard and style rule.
pub fn enabled() -> Vec<Rule> {
    all_rules().into_iter().filter(|r| class(*r) != Class::Off).collect()
}

fn all_rules() -> Vec<Rule> {
    enum_iterator::all::<Rule>().collect()
}

/// A rule name a waiver or baseline line may name: squawk's or ours.
pub fn is_known(name: &str) -> bool {
    OURS.contains(&name) || name.parse::<Rule>().is_ok_and(|r| class(r) != Class::Off)
}

/// What the statement locks or rewrites, and the safe way to write it.
/// `rel` is the table (or index) as written in the statement.
pub fn advice(rule: Rule, rel: &str) -> Option<String> {
    use Rule::*;
    let no_tx = "in a `-- no-transaction` migration";
    Some(match rule {
        RequireConcurrentIndexCreation => format!(
            "CREATE INDEX locks writes to {rel} for the whole build; use `CREATE INDEX CONCURRENTLY IF NOT EXISTS` {no_tx} (after `DROP INDEX CONCURRENTLY IF EXISTS` of the same name)"
        ),
        RequireConcurrentIndexDeletion => format!(
            "DROP INDEX {rel} locks its table against reads and writes (ACCESS EXCLUSIVE) while it waits and drops; use `DROP INDEX CONCURRENTLY IF EXISTS` {no_tx}"
        ),
        ConstraintMissingNotValid => format!(
            "adding a constraint checks every row of {rel} while holding a lock that blocks its writes (a CHECK blocks reads too); add it `NOT VALID` and run `ALTER TABLE … VALIDATE CONSTRAINT` in a later migration, which lets reads and writes through"
        ),
        AddingFieldWithDefault => format!(
            "a volatile DEFAULT (or a stored generated column) rewrites all of {rel} under an ACCESS EXCLUSIVE lock; add the column without a default or with a constant one (no rewrite), then `ALTER COLUMN … SET DEFAULT` and backfill existing rows in batches"
        ),
        AddingForeignKeyConstraint => format!(
            "adding a FOREIGN KEY checks every row of {rel} while blocking writes to it and to the referenced table; add it `NOT VALID`, then `VALIDATE CONSTRAINT` in a later migration"
        ),
        ChangingColumnType => format!(
            "ALTER COLUMN … TYPE rewrites {rel} and rebuilds its indexes under an ACCESS EXCLUSIVE lock (reads and writes wait); add a column of the new type, backfill it in batches, move the application to it, then drop the old column"
        ),
        AddingNotNullableField => format!(
            "SET NOT NULL scans all of {rel} under an ACCESS EXCLUSIVE lock; add `CHECK (col IS NOT NULL) NOT VALID`, then in a later migration `VALIDATE CONSTRAINT` it and SET NOT NULL (PostgreSQL 12+ sees the valid check and skips the scan)"
        ),
        AddingRequiredField => format!(
            "ADD COLUMN … NOT NULL without a DEFAULT fails as soon as {rel} has rows; give it a constant DEFAULT (no rewrite since PostgreSQL 11), or add it nullable, backfill, and enforce NOT NULL through a validated CHECK"
        ),
        AddingSerialPrimaryKeyField => format!(
            "ADD PRIMARY KEY builds its index under an ACCESS EXCLUSIVE lock on {rel}; `CREATE UNIQUE INDEX CONCURRENTLY` {no_tx}, then `ADD CONSTRAINT … PRIMARY KEY USING INDEX`"
        ),
        DisallowedUniqueConstraint => format!(
            "ADD UNIQUE builds its index under an ACCESS EXCLUSIVE lock on {rel}; `CREATE UNIQUE INDEX CONCURRENTLY` {no_tx}, then `ADD CONSTRAINT … UNIQUE USING INDEX`"
        ),
        RenamingColumn => format!(
            "renaming a column of {rel} breaks every running query that uses the old name; add the new column, move the application to it, and drop the old one in a later release"
        ),
        RenamingTable => format!(
            "renaming {rel} breaks every running query that uses the old name; rename it in a release where no running code uses it, or leave a view with the old name during the switch"
        ),
        BanDropColumn => format!(
            "dropping a column of {rel} breaks running code that still reads it, and its data is gone; stop using the column in one release, then drop it with `-- runner:allow ban-drop-column <why nothing uses it>`"
        ),
        BanDropTable => format!(
            "DROP TABLE {rel} deletes its rows and breaks running code that uses it; remove every use in one release, then drop it with `-- runner:allow ban-drop-table <why nothing uses it>`"
        ),
        BanDropNotNull => format!(
            "DROP NOT NULL on {rel} lets in NULLs that running code may not handle; make every reader cope first, then waive it with the reason"
        ),
        BanDropDatabase => "DROP DATABASE destroys everything in it; never in a migration".to_string(),
        BanTruncateCascade => format!(
            "TRUNCATE … CASCADE also empties every table that references {rel}, transitively; name each table you mean to empty"
        ),
        BanConcurrentIndexCreationInTransaction => format!(
            "CREATE INDEX CONCURRENTLY cannot run inside the transaction the runner wraps each migration in; put it in its own migration {no_tx}"
        ),
        TransactionNesting | BanUncommittedTransaction => format!(
            "the runner already wraps each migration in a transaction; remove BEGIN/COMMIT/ROLLBACK, or write the file {no_tx}"
        ),
        BanCreateDomainWithConstraint | BanAlterDomainWithAddConstraint => {
            "a domain CHECK is tested against every column of that domain in every table, under their locks, and is hard to change later; put a CHECK constraint on the table instead (`NOT VALID`, then `VALIDATE CONSTRAINT`)".to_string()
        }
        RequireConcurrentReindex => format!(
            "REINDEX locks writes to {rel} (and reads through the index) for the whole rebuild; use `REINDEX … CONCURRENTLY` {no_tx}"
        ),
        RequireConcurrentPartitionDetach => format!(
            "DETACH PARTITION takes an ACCESS EXCLUSIVE lock on {rel}; use `DETACH PARTITION … CONCURRENTLY` {no_tx}"
        ),
        _ => return None,
    })
}
