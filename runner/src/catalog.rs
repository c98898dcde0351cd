//! A schema's catalog as data: what `verify` compares and `snapshot` writes.
//! Gathered with one query; compared object by object.

use std::collections::BTreeMap;

use postgres::{GenericClient, SimpleQueryMessage};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    #[serde(rename = "type")]
    pub data_type: String,
    pub not_null: bool,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub default: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub columns: BTreeMap<String, Column>,
    /// Constraint name → definition (primary key, unique, check, foreign key, exclusion).
    pub constraints: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    pub returns: String,
    pub language: String,
    /// A hash of the body: any edit changes it.
    pub body: String,
}

/// Everything a schema creates. Keys are names (tables, indexes, views,
/// enums), signatures (functions) or `table.trigger`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub tables: BTreeMap<String, Table>,
    pub indexes: BTreeMap<String, String>,
    pub functions: BTreeMap<String, Function>,
    pub triggers: BTreeMap<String, String>,
    /// View name → a hash of its definition.
    pub views: BTreeMap<String, String>,
    pub enums: BTreeMap<String, Vec<String>>,
    pub extensions: Vec<String>,
}

/// A hash of a body or definition, as 16 hex digits.
pub fn hash(text: &str) -> String {
    format!("{:016x}", crate::lock::fnv1a(text.as_bytes()))
}

/// One round trip: every object of the current schema that no extension
/// owns, history tables left out.
const QUERY: &str = r#"
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
SELECT 'constraint', r.relname, k.conname, pg_get_constraintdef(k.oid), NULL, NULL
  FROM rels r JOIN pg_constraint k ON k.conrelid = r.oid
UNION ALL
SELECT 'index', i.tablename, i.indexname, i.indexdef, NULL, NULL
  FROM pg_indexes i JOIN rels r ON r.relname = i.tablename AND i.schemaname = current_schema()
UNION ALL
SELECT 'function', p.oid::regprocedure::text, l.lanname, pg_get_function_result(p.oid), p.prosrc, NULL
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang, ns
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
    let mut cat = Catalog::default();
    for msg in client.simple_query(QUERY)? {
        let SimpleQueryMessage::Row(row) = msg else { continue };
        let opt = |i: usize| row.try_get(i).ok().flatten().map(str::to_string);
        let f = |i: usize| opt(i).unwrap_or_default();
        match f(0).as_str() {
            "column" => {
                let col = Column { data_type: f(3), not_null: f(4) == "true", default: opt(5) };
                cat.tables.entry(f(1)).or_default().columns.insert(f(2), col);
            }
            "constraint" => {
                cat.tables.entry(f(1)).or_default().constraints.insert(f(2), f(3));
            }
            "index" => {
                cat.indexes.insert(f(2), f(3));
            }
            "function" => {
                cat.functions.insert(f(1), Function { language: f(2), returns: f(3), body: hash(&f(4)) });
            }
            "trigger" => {
                cat.triggers.insert(format!("{}.{}", f(1), f(2)), f(3));
            }
            "view" => {
                cat.views.insert(f(1), hash(&f(2)));
            }
            "enum" => {
                cat.enums.insert(f(1), f(2).split('\n').map(str::to_string).collect());
            }
            "extension" => cat.extensions.push(f(1)),
            _ => {}
        }
    }
    cat.extensions.sort();
    Ok(cat)
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
        }
    }

    pub fn object_count(&self) -> usize {
        self.tables.len() + self.indexes.len() + self.functions.len() + self.triggers.len() + self.views.len() + self.enums.len()
    }

    /// Every object as `kind name` → a hash of its whole definition: compact
    /// enough to keep one per version, precise enough to name what differs.
    pub fn flatten(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let mut put = |key: String, value: String| {
            out.insert(key, hash(&value));
        };
        // Tables by their columns' names; each column and constraint on its
        // own, so a difference is named precisely.
        for (n, t) in &self.tables {
            put(format!("table {n}"), t.columns.keys().cloned().collect::<Vec<_>>().join(","));
            for (c, col) in &t.columns {
                put(format!("column {n}.{c}"), serde_json::to_string(col).expect("json"));
            }
            for (k, def) in &t.constraints {
                put(format!("constraint {n}.{k}"), def.clone());
            }
        }
        for (n, d) in &self.indexes {
            put(format!("index {n}"), d.clone());
        }
        for (n, f) in &self.functions {
            put(format!("function {n}"), serde_json::to_string(f).expect("json"));
        }
        for (n, d) in &self.triggers {
            put(format!("trigger {n}"), d.clone());
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

/// A difference between the expected and the live catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `true`: something expected is missing or different (a failure).
    /// `false`: something present that no migration created (drift).
    pub failure: bool,
    pub object: String,
    pub detail: String,
}

fn fail(object: String, detail: String) -> Finding {
    Finding { failure: true, object, detail }
}

/// Compare `live` with `expected`. Objects in `live` that are not in
/// `expected` nor in `others` (other schemas sharing the database) are drift.
pub fn compare(expected: &Catalog, live: &Catalog, others: &[&Catalog]) -> Vec<Finding> {
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
                    if lc.default != ec.default {
                        let show = |d: &Option<String>| d.clone().unwrap_or_else(|| "no default".into());
                        out.push(fail(obj, format!("default: expected {}, found {}", show(&ec.default), show(&lc.default))));
                    }
                }
            }
        }
        for cname in lt.columns.keys().filter(|c| !et.columns.contains_key(*c)) {
            out.push(Finding { failure: false, object: format!("column {tname}.{cname}"), detail: "not created by any migration".into() });
        }
        for (kname, edef) in &et.constraints {
            let obj = format!("constraint {kname} on {tname}");
            match lt.constraints.get(kname) {
                None => out.push(fail(obj, format!("missing (expected {edef})"))),
                Some(ldef) if ldef != edef => out.push(fail(obj, format!("expected {edef}, found {ldef}"))),
                _ => {}
            }
        }
        for (kname, ldef) in lt.constraints.iter().filter(|(k, _)| !et.constraints.contains_key(*k)) {
            out.push(Finding { failure: false, object: format!("constraint {kname} on {tname}"), detail: format!("not created by any migration ({ldef})") });
        }
    }
    let mut simple = |kind: &str, e: &BTreeMap<String, String>, l: &BTreeMap<String, String>, what: &str, pick: &dyn Fn(&Catalog, &str) -> bool| {
        for (name, ev) in e {
            match l.get(name) {
                None => out.push(fail(format!("{kind} {name}"), "missing".into())),
                Some(lv) if lv != ev => out.push(fail(format!("{kind} {name}"), if what.is_empty() { format!("expected {ev}, found {lv}") } else { what.to_string() })),
                _ => {}
            }
        }
        for name in l.keys().filter(|n| !e.contains_key(*n) && !known_elsewhere(&|c| pick(c, n))) {
            out.push(Finding { failure: false, object: format!("{kind} {name}"), detail: "not created by any migration".into() });
        }
    };
    simple("index", &expected.indexes, &live.indexes, "", &|c, n| c.indexes.contains_key(n));
    simple("trigger", &expected.triggers, &live.triggers, "", &|c, n| c.triggers.contains_key(n));
    simple("view", &expected.views, &live.views, "definition differs from the migrations", &|c, n| c.views.contains_key(n));
    for (sig, ef) in &expected.functions {
        match live.functions.get(sig) {
            None => out.push(fail(format!("function {sig}"), "missing".into())),
            Some(lf) if lf.body != ef.body => out.push(fail(format!("function {sig}"), "body differs from the migrations".into())),
            Some(lf) if lf != ef => out.push(fail(format!("function {sig}"), format!("expected {} returning {}, found {} returning {}", ef.language, ef.returns, lf.language, lf.returns))),
            _ => {}
        }
    }
    for sig in live.functions.keys().filter(|s| !expected.functions.contains_key(*s) && !known_elsewhere(&|c| c.functions.contains_key(*s))) {
        out.push(Finding { failure: false, object: format!("function {sig}"), detail: "not created by any migration".into() });
    }
    for (name, ev) in &expected.enums {
        match live.enums.get(name) {
            None => out.push(fail(format!("enum {name}"), "missing".into())),
            Some(lv) if lv != ev => out.push(fail(format!("enum {name}"), format!("expected values [{}], found [{}]", ev.join(", "), lv.join(", ")))),
            _ => {}
        }
    }
    for name in live.enums.keys().filter(|n| !expected.enums.contains_key(*n) && !known_elsewhere(&|c| c.enums.contains_key(*n))) {
        out.push(Finding { failure: false, object: format!("enum {name}"), detail: "not created by any migration".into() });
    }
    for name in live.tables.keys().filter(|n| !expected.tables.contains_key(*n) && !known_elsewhere(&|c| c.tables.contains_key(*n))) {
        out.push(Finding { failure: false, object: format!("table {name}"), detail: "not created by any migration".into() });
    }
    for e in &expected.extensions {
        if !live.extensions.contains(e) {
            out.push(fail(format!("extension {e}"), "missing".into()));
        }
    }
    out
}
