//! A schema's catalog as data: what `verify` compares and `snapshot` writes.
//! Gathered with one query; compared object by object.

use std::collections::{BTreeMap, BTreeSet};

use postgres::{GenericClient, SimpleQueryMessage, SimpleQueryRow};
use schema_def::SchemaDef;
use serde::{Deserialize, Serialize};

use crate::canonical::{canonical, same};
use crate::error::{Error, Result as RunnerResult};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    #[serde(rename = "type")]
    pub data_type: String,
    pub not_null: bool,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub default: Option<String>,
    /// `COMMENT ON COLUMN`: documentation only, never compared.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub columns: BTreeMap<String, Column>,
    /// Constraint name → definition (primary key, unique, check, foreign key, exclusion).
    pub constraints: BTreeMap<String, String>,
    /// `COMMENT ON TABLE`: documentation only, never compared.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    pub returns: String,
    pub language: String,
    /// A hash of the body: any edit changes it.
    pub body: String,
    /// `COMMENT ON FUNCTION`: documentation only, never compared.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub comment: Option<String>,
}

/// Everything a schema creates. Keys are names (tables, indexes, views,
/// enums), signatures (functions) or `table.trigger`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub tables: BTreeMap<String, Table>,
    pub indexes: BTreeMap<String, String>,
    pub functions: BTreeMap<String, Function>,
    pub triggers: BTreeMap<String, String>,
    /// View name → a hash of its definition's canonical form.
    pub views: BTreeMap<String, String>,
    pub enums: BTreeMap<String, Vec<String>>,
    pub extensions: Vec<String>,
    /// Indexes the server marks INVALID (an interrupted `CREATE INDEX
    /// CONCURRENTLY`): only ever in a live catalog.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub invalid_indexes: BTreeSet<String>,
}

/// A hash of a body or definition, as 16 hex digits.
pub fn hash(text: &str) -> String {
    format!("{:016x}", crate::lock::fnv1a(text.as_bytes()))
}

/// One round trip: every object of the current schema that no extension
/// owns, history tables left out. Runs on every major from 13 on (verify
/// reports on servers too old to migrate).
pub const QUERY: &str = r#"
WITH ns AS (SELECT current_schema()::regnamespace AS oid),
ext AS (SELECT objid FROM pg_depend WHERE deptype = 'e'),
rels AS (
  SELECT c.oid, c.relname, c.relkind FROM pg_class c, ns
   WHERE c.relnamespace = ns.oid AND c.relkind IN ('r','p','v','m')
     AND c.relname NOT LIKE '%\_schema\_history' AND c.oid NOT IN (SELECT objid FROM ext))
-- Every column is cast to text in the first branch: a UNION takes its types
-- from it, and `name` would cut longer values (view definitions, enum lists)
-- at 63 bytes.
SELECT 'column'::text, r.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod)::text, a.attnotnull::text, pg_get_expr(d.adbin, d.adrelid)::text
  FROM rels r JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE r.relkind IN ('r','p')
UNION ALL
-- PostgreSQL 18 catalogues every NOT NULL as a constraint (contype 'n'); a
-- validated one says no more than the column's attnotnull, so it is left out.
SELECT 'constraint', r.relname, k.conname, pg_get_constraintdef(k.oid), NULL, NULL
  FROM rels r JOIN pg_constraint k ON k.conrelid = r.oid AND (k.contype <> 'n' OR NOT k.convalidated)
UNION ALL
SELECT 'index', r.relname, ic.relname, pg_get_indexdef(x.indexrelid), (NOT x.indisvalid)::text, NULL
  FROM rels r JOIN pg_index x ON x.indrelid = r.oid JOIN pg_class ic ON ic.oid = x.indexrelid
UNION ALL
-- A body written as a string is kept as written; a SQL-standard body
-- (BEGIN ATOMIC, prosrc empty) exists only as the server prints it.
SELECT 'function', p.oid::regprocedure::text, l.lanname, pg_get_function_result(p.oid),
       CASE WHEN p.prosrc = '' THEN pg_get_functiondef(p.oid) ELSE p.prosrc END, (p.prosrc = '')::text
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang, ns
 WHERE p.pronamespace = ns.oid AND p.oid NOT IN (SELECT objid FROM ext)
UNION ALL
SELECT 'comment', r.relname, a.attname, d.description, NULL, NULL
  FROM rels r JOIN pg_description d ON d.objoid = r.oid AND d.classoid = 'pg_class'::regclass
  LEFT JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = d.objsubid AND d.objsubid > 0
 WHERE r.relkind IN ('r','p')
UNION ALL
SELECT 'function_comment', p.oid::regprocedure::text, NULL, d.description, NULL, NULL
  FROM pg_proc p JOIN pg_description d ON d.objoid = p.oid AND d.classoid = 'pg_proc'::regclass, ns
 WHERE p.pronamespace = ns.oid AND p.oid NOT IN (SELECT objid FROM ext)
UNION ALL
SELECT 'trigger', r.relname, t.tgname, pg_get_triggerdef(t.oid), NULL, NULL
  FROM rels r JOIN pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
UNION ALL
SELECT 'view', r.relname, pg_get_viewdef(r.oid), NULL, NULL, NULL FROM rels r WHERE r.relkind IN ('v','m')
UNION ALL
SELECT 'enum', t.typname, string_agg(e.enumlabel, E'\n' ORDER BY e.enumsortorder), NULL, NULL, NULL
  FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid, ns
 WHERE t.typnamespace = ns.oid AND t.oid NOT IN (SELECT objid FROM ext) GROUP BY t.typname
UNION ALL
SELECT 'extension', extname, NULL, NULL, NULL, NULL FROM pg_extension WHERE extname <> 'plpgsql'
"#;

pub fn read(client: &mut impl GenericClient) -> Result<Catalog, postgres::Error> {
    let rows: Vec<SimpleQueryRow> = client
        .simple_query(QUERY)?
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(r),
            _ => None,
        })
        .collect();
    Ok(from_rows(&rows))
}

/// The catalog from the rows of `QUERY` (sent alone or in a batch).
pub fn from_rows(rows: &[SimpleQueryRow]) -> Catalog {
    let mut cat = Catalog::default();
    // (table, column or None for the table) → comment, and function
    // signature → comment, applied at the end because a UNION's rows come in
    // no promised order.
    let mut comments = Vec::new();
    let mut function_comments = Vec::new();
    for row in rows {
        let opt = |i: usize| row.try_get(i).ok().flatten().map(str::to_string);
        let f = |i: usize| opt(i).unwrap_or_default();
        match f(0).as_str() {
            "column" => {
                let col = Column { data_type: f(3), not_null: f(4) == "true", default: opt(5), comment: None };
                cat.tables.entry(f(1)).or_default().columns.insert(f(2), col);
            }
            "constraint" => {
                cat.tables.entry(f(1)).or_default().constraints.insert(f(2), f(3));
            }
            "index" => {
                if f(4) == "true" {
                    cat.invalid_indexes.insert(f(2));
                }
                cat.indexes.insert(f(2), f(3));
            }
            "function" => {
                let body = if f(5) == "true" { hash(&canonical(&f(4))) } else { hash(&f(4)) };
                cat.functions.insert(f(1), Function { language: f(2), returns: f(3), body, comment: None });
            }
            "comment" => {
                comments.push((f(1), opt(2), f(3)));
            }
            "function_comment" => {
                function_comments.push((f(1), f(3)));
            }
            "trigger" => {
                cat.triggers.insert(format!("{}.{}", f(1), f(2)), f(3));
            }
            "view" => {
                cat.views.insert(f(1), hash(&canonical(&f(2))));
            }
            "enum" => {
                cat.enums.insert(f(1), f(2).split('\n').map(str::to_string).collect());
            }
            "extension" => cat.extensions.push(f(1)),
            _ => {}
        }
    }
    cat.extensions.sort();
    for (sig, text) in function_comments {
        if let Some(f) = cat.functions.get_mut(&sig) {
            f.comment = Some(text);
        }
    }
    for (table, column, text) in comments {
        let Some(t) = cat.tables.get_mut(&table) else { continue };
        match column {
            None => t.comment = Some(text),
            Some(c) => {
                if let Some(col) = t.columns.get_mut(&c) {
                    col.comment = Some(text);
                }
            }
        }
    }
    cat
}

impl Catalog {
    /// What `self` has that `base` does not have identically: the objects a
    /// schema added on top of a database that already held `base`.
    pub fn minus(&self, base: &Catalog) -> Catalog {
        fn diff<V: Clone + PartialEq>(a: &BTreeMap<String, V>, b: &BTreeMap<String, V>) -> BTreeMap<String, V> {
            a.iter().filter(|(k, v)| b.get(*k) != Some(v)).map(|(k, v)| (k.clone(), v.clone())).collect()
        }
        Catalog {
            tables: self
                .tables
                .iter()
                .filter(|(name, t)| base.tables.get(*name) != Some(t))
                .map(|(name, t)| (name.clone(), t.clone()))
                .collect(),
            indexes: diff(&self.indexes, &base.indexes),
            functions: diff(&self.functions, &base.functions),
            triggers: diff(&self.triggers, &base.triggers),
            views: diff(&self.views, &base.views),
            enums: diff(&self.enums, &base.enums),
            extensions: self.extensions.iter().filter(|e| !base.extensions.contains(e)).cloned().collect(),
            invalid_indexes: self.invalid_indexes.difference(&base.invalid_indexes).cloned().collect(),
        }
    }

    pub fn object_count(&self) -> usize {
        self.tables.len() + self.indexes.len() + self.functions.len() + self.triggers.len() + self.views.len() + self.enums.len()
    }

    /// Every object as `kind name` → a hash of its definition's canonical
    /// form: compact enough to keep one per version, precise enough to name
    /// what differs. A `shared` object (see `compare`) is hashed by its
    /// interface only.
    pub fn flatten(&self, shared: &[&str]) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let mut put = |key: String, value: String| {
            let value = if shared.contains(&key.as_str()) { interface(&key, self) } else { value };
            out.insert(key, hash(&value));
        };
        // Tables by their columns' names; each column and constraint on its
        // own, so a difference is named precisely.
        for (n, t) in &self.tables {
            put(format!("table {n}"), t.columns.keys().cloned().collect::<Vec<_>>().join(","));
            for (c, col) in &t.columns {
                let col = Column { default: col.default.as_deref().map(canonical), comment: None, ..col.clone() };
                put(format!("column {n}.{c}"), serde_json::to_string(&col).expect("json"));
            }
            for (k, def) in &t.constraints {
                put(format!("constraint {n}.{k}"), canonical(def));
            }
        }
        for (n, d) in &self.indexes {
            put(format!("index {n}"), canonical(d));
        }
        for (n, f) in &self.functions {
            let f = Function { comment: None, ..f.clone() };
            put(format!("function {n}"), serde_json::to_string(&f).expect("json"));
        }
        for (n, d) in &self.triggers {
            put(format!("trigger {n}"), canonical(d));
        }
        for (n, d) in &self.views {
            put(format!("view {n}"), d.clone());
        }
        for (n, v) in &self.enums {
            put(format!("enum {n}"), v.join(","));
        }
        for e in &self.extensions {
            put(format!("extension {e}"), e.clone());
        }
        out
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("catalog serializes") + "\n"
    }

    pub fn from_json(text: &str) -> Result<Catalog, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

/// How a difference between the expected and the live catalog counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Something expected is missing, different or unusable.
    Failure,
    /// Something present that no migration created.
    Drift,
    /// A shared object, checked by its interface only: said so, never a failure.
    Shared,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub level: Level,
    pub object: String,
    pub detail: String,
}

fn fail(object: String, detail: String) -> Finding {
    Finding { level: Level::Failure, object, detail }
}

fn drift(object: String, detail: impl Into<String>) -> Finding {
    Finding { level: Level::Drift, object, detail: detail.into() }
}

/// What a shared object must keep: a function its return type (its
/// signature is its key), anything else its existence.
fn interface(key: &str, cat: &Catalog) -> String {
    match key.strip_prefix("function ").and_then(|sig| cat.functions.get(sig)) {
        Some(f) => format!("returns {}", f.returns),
        None => key.to_string(),
    }
}

const NOT_VALID: &str = " NOT VALID";

/// The fix for an index left INVALID: drop it and build it again, without
/// blocking writes.
fn rebuild(name: &str, def: &str) -> String {
    let build = def.replacen(" INDEX ", " INDEX CONCURRENTLY ", 1);
    format!("DROP INDEX CONCURRENTLY {name}; then {build}")
}

/// Compare `live` with `expected`. Objects in `live` that are not in
/// `expected` nor in `others` (other schemas sharing the database) are drift.
/// Definitions are compared in their canonical form, so the same migrations
/// compare equal on every major. `shared` lists objects the application
/// also defines (catalog keys such as `function update_updated_at_column()`):
/// only their interface is compared, and each is reported as such.
pub fn compare(expected: &Catalog, live: &Catalog, others: &[&Catalog], shared: &[&str]) -> Vec<Finding> {
    let mut out = Vec::new();
    let known_elsewhere = |pick: &dyn Fn(&Catalog) -> bool| others.iter().any(|c| pick(c));
    for (tname, et) in &expected.tables {
        let Some(lt) = live.tables.get(tname) else {
            out.push(fail(format!("table {tname}"), "missing".into()));
            continue;
        };
        for (cname, ec) in &et.columns {
            let obj = format!("column {tname}.{cname}");
            match lt.columns.get(cname) {
                None => out.push(fail(obj, "missing".into())),
                Some(lc) => {
                    if lc.data_type != ec.data_type {
                        out.push(fail(obj.clone(), format!("type: expected {}, found {}", ec.data_type, lc.data_type)));
                    }
                    if lc.not_null != ec.not_null {
                        let word = |b: bool| if b { "NOT NULL" } else { "nullable" };
                        out.push(fail(obj.clone(), format!("expected {}, found {}", word(ec.not_null), word(lc.not_null))));
                    }
                    let same_default = match (&ec.default, &lc.default) {
                        (Some(e), Some(l)) => same(e, l),
                        (e, l) => e == l,
                    };
                    if !same_default {
                        let show = |d: &Option<String>| d.clone().unwrap_or_else(|| "no default".into());
                        out.push(fail(obj, format!("default: expected {}, found {}", show(&ec.default), show(&lc.default))));
                    }
                }
            }
        }
        for cname in lt.columns.keys().filter(|c| !et.columns.contains_key(*c)) {
            out.push(drift(format!("column {tname}.{cname}"), "not created by any migration"));
        }
        for (kname, edef) in &et.constraints {
            let obj = format!("constraint {kname} on {tname}");
            match lt.constraints.get(kname) {
                None => out.push(fail(obj, format!("missing (expected {edef})"))),
                Some(ldef) if same(ldef, edef) => {}
                Some(ldef) if ldef.strip_suffix(NOT_VALID).is_some_and(|d| same(d, edef)) => out.push(fail(
                    obj,
                    format!("NOT VALID: rows written before it was added are not checked; run ALTER TABLE {tname} VALIDATE CONSTRAINT {kname}"),
                )),
                Some(ldef) => out.push(fail(obj, format!("expected {edef}, found {ldef}"))),
            }
        }
        for (kname, ldef) in lt.constraints.iter().filter(|(k, _)| !et.constraints.contains_key(*k)) {
            // PostgreSQL 18: a NOT NULL added NOT VALID keeps the column's
            // attnotnull set while old rows may still hold NULL.
            let column = ldef.strip_prefix("NOT NULL ").and_then(|d| d.strip_suffix(NOT_VALID));
            match column.and_then(|c| et.columns.get(c.trim_matches('"')).map(|ec| (c, ec))) {
                Some((c, ec)) if ec.not_null => out.push(fail(
                    format!("column {tname}.{c}"),
                    format!("its NOT NULL ({kname}) is NOT VALID: rows written before it was added are not checked; run ALTER TABLE {tname} VALIDATE CONSTRAINT {kname}"),
                )),
                _ => out.push(drift(format!("constraint {kname} on {tname}"), format!("not created by any migration ({ldef})"))),
            }
        }
    }
    let is_shared = |key: &str| shared.contains(&key);
    let mut simple = |kind: &str, e: &BTreeMap<String, String>, l: &BTreeMap<String, String>, what: &str, pick: &dyn Fn(&Catalog, &str) -> bool| {
        for (name, ev) in e {
            let obj = format!("{kind} {name}");
            match l.get(name) {
                None => out.push(fail(obj, "missing".into())),
                Some(_) if is_shared(&obj) => {
                    out.push(Finding { level: Level::Shared, object: obj, detail: "shared with the application: checked to exist, its definition is not compared".into() })
                }
                Some(lv) if !same(lv, ev) => {
                    out.push(fail(obj, if what.is_empty() { format!("expected {ev}, found {lv}") } else { what.to_string() }))
                }
                _ => {}
            }
        }
        for name in l.keys().filter(|n| !e.contains_key(*n) && !known_elsewhere(&|c| pick(c, n))) {
            out.push(drift(format!("{kind} {name}"), "not created by any migration"));
        }
    };
    simple("index", &expected.indexes, &live.indexes, "", &|c, n| c.indexes.contains_key(n));
    simple("trigger", &expected.triggers, &live.triggers, "", &|c, n| c.triggers.contains_key(n));
    simple("view", &expected.views, &live.views, "definition differs from the migrations", &|c, n| c.views.contains_key(n));
    for name in &live.invalid_indexes {
        match expected.indexes.get(name) {
            Some(def) => out.push(fail(
                format!("index {name}"),
                format!("INVALID (left by an interrupted CREATE INDEX CONCURRENTLY): queries cannot use it, writes still maintain it; drop and rebuild it: {}", rebuild(name, def)),
            )),
            None => out.push(drift(format!("index {name}"), "INVALID, and not created by any migration; drop it: DROP INDEX CONCURRENTLY ".to_string() + name)),
        }
    }
    for (sig, ef) in &expected.functions {
        let obj = format!("function {sig}");
        match live.functions.get(sig) {
            None => out.push(fail(obj, "missing".into())),
            Some(lf) if lf.returns != ef.returns => out.push(fail(obj, format!("expected to return {}, found {}", ef.returns, lf.returns))),
            Some(_) if is_shared(&obj) => out.push(Finding {
                level: Level::Shared,
                object: obj,
                detail: format!("shared with the application: signature and return type ({}) checked, its body is not compared", ef.returns),
            }),
            Some(lf) if lf.body != ef.body => out.push(fail(obj, "body differs from the migrations".into())),
            Some(lf) if lf.language != ef.language => out.push(fail(obj, format!("expected language {}, found {}", ef.language, lf.language))),
            _ => {}
        }
    }
    for sig in live.functions.keys().filter(|s| !expected.functions.contains_key(*s) && !known_elsewhere(&|c| c.functions.contains_key(*s))) {
        out.push(drift(format!("function {sig}"), "not created by any migration"));
    }
    for (name, ev) in &expected.enums {
        match live.enums.get(name) {
            None => out.push(fail(format!("enum {name}"), "missing".into())),
            Some(lv) if lv != ev => out.push(fail(format!("enum {name}"), format!("expected values [{}], found [{}]", ev.join(", "), lv.join(", ")))),
            _ => {}
        }
    }
    for name in live.enums.keys().filter(|n| !expected.enums.contains_key(*n) && !known_elsewhere(&|c| c.enums.contains_key(*n))) {
        out.push(drift(format!("enum {name}"), "not created by any migration"));
    }
    for name in live.tables.keys().filter(|n| !expected.tables.contains_key(*n) && !known_elsewhere(&|c| c.tables.contains_key(*n))) {
        out.push(drift(format!("table {name}"), "not created by any migration"));
    }
    for e in &expected.extensions {
        if !live.extensions.contains(e) {
            out.push(fail(format!("extension {e}"), "missing".into()));
        }
    }
    out
}

/// Per-version objects as committed: version → (`kind name` → hash).
pub fn parse_versions(text: &str) -> Result<BTreeMap<i32, BTreeMap<String, String>>, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// A schema's committed per-version catalogs, for comparing a live database
/// with one version (rollback's check, adopt's matching).
pub struct VersionCatalogs {
    pub versions: BTreeMap<i32, BTreeMap<String, String>>,
    /// Every object any version has.
    pub all: BTreeSet<String>,
}

impl VersionCatalogs {
    pub fn of(def: &SchemaDef) -> RunnerResult<VersionCatalogs> {
        let text = def.version_catalogs.ok_or_else(|| {
            Error::usage(format!("schema {} has no version catalogs; run `runner snapshot --schema {}`", def.name, def.name))
        })?;
        let versions = parse_versions(text).map_err(|e| Error::failed(format!("version catalogs of {}: {e}", def.name)))?;
        let all = versions.values().flat_map(|m| m.keys().cloned()).collect();
        Ok(VersionCatalogs { versions, all })
    }

    /// The live objects against version `v`: the missing or different
    /// objects of `v` (as messages), and the present objects that only other
    /// versions have (as keys; the caller says what they mean).
    pub fn compare<'a>(&'a self, live: &BTreeMap<String, String>, v: i32) -> (Vec<String>, Vec<&'a String>) {
        let empty = BTreeMap::new();
        let expected = self.versions.get(&v).unwrap_or(&empty);
        let mut own = Vec::new();
        for (key, hash) in expected {
            match live.get(key) {
                None => own.push(format!("{key} is missing")),
                Some(h) if h != hash => own.push(format!("{key} differs from version {v}")),
                _ => {}
            }
        }
        let others = self.all.iter().filter(|k| !expected.contains_key(*k) && live.contains_key(*k)).collect();
        (own, others)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(cols: &[(&str, bool)], constraints: &[(&str, &str)]) -> Table {
        Table {
            columns: cols.iter().map(|(n, nn)| (n.to_string(), Column { data_type: "integer".into(), not_null: *nn, ..Column::default() })).collect(),
            constraints: constraints.iter().map(|(n, d)| (n.to_string(), d.to_string())).collect(),
            ..Table::default()
        }
    }

    fn one_table(t: Table) -> Catalog {
        Catalog { tables: [("t".to_string(), t)].into(), ..Catalog::default() }
    }

    #[test]
    fn printing_differences_between_majors_are_not_findings() {
        let mut expected = one_table(table(&[("a", true)], &[("t_a_check", "CHECK ((a > 0))")]));
        expected.indexes.insert("t_a".into(), "CREATE INDEX t_a ON public.t USING btree (a)".into());
        let mut live = expected.clone();
        live.indexes.insert("t_a".into(), "CREATE INDEX t_a ON t USING btree (a)".into());
        assert_eq!(compare(&expected, &live, &[], &[]), vec![]);
        assert_eq!(expected.flatten(&[]), live.flatten(&[]));
    }

    #[test]
    fn a_not_valid_not_null_of_postgresql_18_fails_on_its_column() {
        let expected = one_table(table(&[("a", true)], &[]));
        let live = one_table(table(&[("a", true)], &[("t_a_not_null", "NOT NULL a NOT VALID")]));
        let found = compare(&expected, &live, &[], &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].level, Level::Failure);
        assert_eq!(found[0].object, "column t.a");
        assert!(found[0].detail.ends_with("run ALTER TABLE t VALIDATE CONSTRAINT t_a_not_null"), "{}", found[0].detail);
    }

    #[test]
    fn a_shared_function_is_compared_by_its_interface() {
        let f = |body: &str, returns: &str| Function { returns: returns.into(), language: "plpgsql".into(), body: hash(body), ..Function::default() };
        let shared = ["function touch()"];
        let expected = Catalog { functions: [("touch()".to_string(), f("now()", "trigger"))].into(), ..Catalog::default() };
        let edited = Catalog { functions: [("touch()".to_string(), f("NOW()", "trigger"))].into(), ..Catalog::default() };
        let found = compare(&expected, &edited, &[], &shared);
        assert!(found.len() == 1 && found[0].level == Level::Shared, "{found:?}");
        assert_eq!(expected.flatten(&shared), edited.flatten(&shared));
        assert_ne!(expected.flatten(&[]), edited.flatten(&[]), "not shared: the body counts");
        let other = Catalog { functions: [("touch()".to_string(), f("now()", "void"))].into(), ..Catalog::default() };
        assert_eq!(compare(&expected, &other, &[], &shared)[0].level, Level::Failure);
    }

    #[test]
    fn comments_are_documentation_not_differences() {
        let mut expected = one_table(table(&[("a", true)], &[]));
        expected.functions.insert("f()".into(), Function { returns: "void".into(), language: "sql".into(), body: hash("SELECT 1"), comment: None });
        let mut live = expected.clone();
        let t = live.tables.get_mut("t").unwrap();
        t.comment = Some("a table".into());
        t.columns.get_mut("a").unwrap().comment = Some("a column".into());
        live.functions.get_mut("f()").unwrap().comment = Some("a function".into());
        assert_eq!(compare(&expected, &live, &[], &[]), vec![]);
        assert_eq!(expected.flatten(&[]), live.flatten(&[]));
    }

    fn col(t: &str, not_null: bool) -> Column {
        Column { data_type: t.into(), not_null, ..Column::default() }
    }

    fn users() -> Catalog {
        let mut c = Catalog::default();
        let mut users = Table::default();
        users.columns.insert("id".into(), col("uuid", true));
        users.columns.insert("email".into(), col("text", true));
        users.constraints.insert("users_pkey".into(), "PRIMARY KEY (id)".into());
        c.tables.insert("users".into(), users);
        c.indexes.insert("users_email_idx".into(), "CREATE INDEX users_email_idx ON public.users USING btree (email)".into());
        c.functions.insert("touch()".into(), Function { returns: "trigger".into(), language: "plpgsql".into(), body: hash("BEGIN END"), comment: None });
        c.enums.insert("role".into(), vec!["admin".into(), "user".into()]);
        c
    }

    fn failures(f: &[Finding]) -> Vec<String> {
        f.iter().filter(|f| f.level == Level::Failure).map(|f| format!("{}: {}", f.object, f.detail)).collect()
    }

    #[test]
    fn missing_and_changed_objects_are_failures_named_precisely() {
        let mut live = users();
        let t = live.tables.get_mut("users").unwrap();
        t.columns.insert("email".into(), col("character varying(100)", false));
        t.constraints.clear();
        live.indexes.clear();
        live.functions.get_mut("touch()").unwrap().body = hash("BEGIN RETURN NULL; END");
        live.enums.insert("role".into(), vec!["admin".into()]);
        assert_eq!(
            failures(&compare(&users(), &live, &[], &[])),
            [
                "column users.email: type: expected text, found character varying(100)",
                "column users.email: expected NOT NULL, found nullable",
                "constraint users_pkey on users: missing (expected PRIMARY KEY (id))",
                "index users_email_idx: missing",
                "function touch(): body differs from the migrations",
                "enum role: expected values [admin, user], found [admin]",
            ]
        );
    }

    #[test]
    fn extra_objects_are_drift_unless_another_schema_in_the_database_owns_them() {
        let mut live = users();
        live.tables.insert("audit".into(), Table::default());
        live.tables.insert("mued_items".into(), Table::default());
        live.tables.get_mut("users").unwrap().columns.insert("nickname".into(), col("text", false));
        let mut other = Catalog::default();
        other.tables.insert("mued_items".into(), Table::default());
        let f = compare(&users(), &live, &[&other], &[]);
        assert!(f.iter().all(|f| f.level == Level::Drift), "{f:?}");
        let drift: Vec<&str> = f.iter().map(|f| f.object.as_str()).collect();
        assert_eq!(drift, ["column users.nickname", "table audit"]);
    }

    #[test]
    fn version_catalogs_name_missing_changed_and_later_objects() {
        let v1 = users().flatten(&[]);
        let mut v2 = v1.clone();
        v2.insert("table projects".into(), hash("id"));
        let vc = VersionCatalogs { all: v2.keys().cloned().collect(), versions: BTreeMap::from([(1, v1.clone()), (2, v2.clone())]) };
        // A database at version 2 compared with version 1: the later table is "other".
        let (own, others) = vc.compare(&v2, 1);
        assert!(own.is_empty(), "{own:?}");
        assert_eq!(others, [&"table projects".to_string()]);
        // A database at version 1 with an edited index compared with version 2.
        let mut live = v1;
        live.insert("index users_email_idx".into(), hash("something else"));
        let (own, _) = vc.compare(&live, 2);
        assert_eq!(own, ["index users_email_idx differs from version 2", "table projects is missing"]);
    }
}
