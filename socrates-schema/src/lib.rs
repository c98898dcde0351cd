//! Socrates: two migration sets, one per database (auth and specs). SQL and data only.

use schema_def::SchemaDef;

mod auth {
    refinery::embed_migrations!("migrations/auth");
}

mod specs {
    refinery::embed_migrations!("migrations/specs");
}

/// `socrates-auth`: users, refresh tokens and administration (database socrates_auth).
pub fn auth() -> SchemaDef {
    SchemaDef {
        name: "socrates-auth",
        summary: "Socrates authentication database (users, tokens, admin)",
        migrations: || auth::migrations::runner().get_migrations().clone(),
        migrations_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/auth"),
        test_data: Some(include_str!("../test-data/auth.sql")),
        prerequisites: None,
        dev_base: None,
    }
}

/// `socrates-specs`: projects, sessions, specifications and the rest (database socrates_specs).
pub fn specs() -> SchemaDef {
    SchemaDef {
        name: "socrates-specs",
        summary: "Socrates specifications database (projects, sessions, specifications, ...)",
        migrations: || specs::migrations::runner().get_migrations().clone(),
        migrations_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/specs"),
        test_data: Some(include_str!("../test-data/specs.sql")),
        prerequisites: None,
        dev_base: None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_sql_file_is_embedded() {
        for def in [super::auth(), super::specs()] {
            assert!(!(def.migrations)().is_empty(), "{}: no migrations embedded", def.name);
            assert_eq!(def.unembedded_files(), Vec::<String>::new(), "{}: misnamed migration files (refinery skips them silently)", def.name);
        }
    }
}
