//! Every schema the runner knows. Adding an application: a crate and one line here.

use std::sync::OnceLock;

use schema_def::SchemaDef;

pub fn all() -> &'static [SchemaDef] {
    static ALL: OnceLock<Vec<SchemaDef>> = OnceLock::new();
    ALL.get_or_init(|| vec![morse_schema::schema(), socrates_schema::auth(), socrates_schema::specs(), oprina_schema::schema(), mued_schema::schema(), totalis_etl::schema()])
}

pub fn find(name: &str) -> Option<&'static SchemaDef> {
    all().iter().find(|s| s.name == name)
}

pub fn names() -> Vec<&'static str> {
    all().iter().map(|s| s.name).collect()
}

/// The named schemas, or all of them when none is named.
pub fn select(names: &[String]) -> crate::error::Result<Vec<&'static SchemaDef>> {
    if names.is_empty() {
        return Ok(all().iter().collect());
    }
    names
        .iter()
        .map(|n| {
            find(n).ok_or_else(|| {
                crate::error::Error::usage(format!("unknown schema `{n}`; known schemas: {}", self::names().join(", ")))
            })
        })
        .collect()
}
