//! A schema's page (`docs/schema/<schema>.md`): its expected catalog as
//! Markdown, with a Mermaid entity-relationship diagram. Pure rendering: the
//! `doc` command decides where pages go.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::catalog::{Catalog, Column, Table};

/// A foreign key as `pg_get_constraintdef` prints it:
/// `FOREIGN KEY (a, b) REFERENCES [schema.]t(x, y) [MATCH ...] [ON ...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    /// The referenced table, without its schema.
    pub table: String,
    pub ref_columns: Vec<String>,
}

/// Reads one identifier (plain or double-quoted) at the start of `s`;
/// returns it and the rest.
fn ident(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    if let Some(rest) = s.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            if c == '"' {
                if rest[i + 1..].starts_with('"') {
                    out.push('"');
                    chars.next();
                } else {
                    return Some((out, &rest[i + 1..]));
                }
            } else {
                out.push(c);
            }
        }
        None
    } else {
        let end = s.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).unwrap_or(s.len());
        (end > 0).then(|| (s[..end].to_string(), &s[end..]))
    }
}

/// `(a, "b", c)` at the start of `s`.
fn ident_list(s: &str) -> Option<(Vec<String>, &str)> {
    let mut rest = s.trim_start().strip_prefix('(')?;
    let mut out = Vec::new();
    loop {
        let (name, r) = ident(rest)?;
        out.push(name);
        let r = r.trim_start();
        if let Some(r) = r.strip_prefix(',') {
            rest = r;
        } else {
            return Some((out, r.strip_prefix(')')?));
        }
    }
}

/// `[schema.]name` at the start of `s`: the name, without its schema.
fn qualified(s: &str) -> Option<(String, &str)> {
    let (mut name, mut rest) = ident(s)?;
    while let Some(r) = rest.strip_prefix('.') {
        (name, rest) = ident(r)?;
    }
    Some((name, rest))
}

pub fn parse_foreign_key(def: &str) -> Option<ForeignKey> {
    let rest = def.trim_start().strip_prefix("FOREIGN KEY")?;
    let (columns, rest) = ident_list(rest)?;
    let rest = rest.trim_start().strip_prefix("REFERENCES")?;
    let (table, rest) = qualified(rest)?;
    let (ref_columns, _) = ident_list(rest)?;
    Some(ForeignKey { columns, table, ref_columns })
}

/// A reference a column's comment declares and no foreign key enforces:
/// `References socrates_auth.users.id ...` (another database) or
/// `References users.id in this database ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentReference {
    pub database: Option<String>,
    pub table: String,
    pub column: String,
}

pub fn parse_comment_reference(comment: &str) -> Option<CommentReference> {
    let rest = comment.trim_start().strip_prefix("References ")?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')).unwrap_or(rest.len());
    let parts: Vec<&str> = rest[..end].trim_end_matches('.').split('.').collect();
    match parts.as_slice() {
        [db, t, c] => Some(CommentReference { database: Some(db.to_string()), table: t.to_string(), column: c.to_string() }),
        [t, c] => Some(CommentReference { database: None, table: t.to_string(), column: c.to_string() }),
        _ => None,
    }
}

/// A type name Mermaid's `erDiagram` accepts (no spaces, parentheses or
/// commas): `character varying(255)` → `varchar`, `numeric(5,2)` →
/// `numeric`, `timestamp with time zone` → `timestamptz`. The page's column
/// tables show the exact type.
pub fn diagram_type(pg: &str) -> String {
    let (base, array) = match pg.strip_suffix("[]") {
        Some(b) => (b, "[]"),
        None => (pg, ""),
    };
    // Drop the type modifier: `numeric(5,2)`, `timestamp(3) with time zone`.
    let mut plain = String::new();
    let mut depth = 0;
    for c in base.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    let short = match plain.as_str() {
        "character varying" => "varchar",
        "character" => "char",
        "timestamp with time zone" => "timestamptz",
        "timestamp without time zone" => "timestamp",
        "time with time zone" => "timetz",
        "time without time zone" => "time",
        "double precision" => "float8",
        "bit varying" => "varbit",
        other => other,
    };
    let mut token: String = short.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if !token.starts_with(|c: char| c.is_ascii_alphabetic()) {
        token.insert(0, 't');
    }
    token + array
}

/// Columns with the primary key's first, then by name.
fn ordered_columns(t: &Table) -> Vec<(&String, &Column)> {
    let pk = primary_key(t);
    let mut cols: Vec<_> = t.columns.iter().collect();
    cols.sort_by_key(|(name, _)| (pk.iter().position(|p| p == *name).unwrap_or(usize::MAX), (*name).clone()));
    cols
}

fn primary_key(t: &Table) -> Vec<String> {
    t.constraints
        .values()
        .find_map(|d| d.strip_prefix("PRIMARY KEY").and_then(ident_list).map(|(cols, _)| cols))
        .unwrap_or_default()
}

/// One foreign key of the schema, with where it starts.
struct Link {
    from: String,
    fk: ForeignKey,
    nullable: bool,
}

fn links(cat: &Catalog) -> Vec<Link> {
    let mut out = Vec::new();
    for (tname, t) in &cat.tables {
        for def in t.constraints.values() {
            if let Some(fk) = parse_foreign_key(def) {
                let nullable = fk.columns.iter().any(|c| t.columns.get(c).is_none_or(|col| !col.not_null));
                out.push(Link { from: tname.clone(), fk, nullable });
            }
        }
    }
    out
}

/// A column whose comment declares a reference and that no foreign key
/// covers.
struct Declared<'a> {
    table: &'a str,
    column: &'a str,
    nullable: bool,
    to: CommentReference,
}

fn declared<'a>(cat: &'a Catalog, links: &[Link]) -> Vec<Declared<'a>> {
    let mut out = Vec::new();
    for (tname, t) in &cat.tables {
        for (cname, col) in &t.columns {
            if links.iter().any(|l| &l.from == tname && l.fk.columns.contains(cname)) {
                continue;
            }
            if let Some(to) = col.comment.as_deref().and_then(parse_comment_reference) {
                out.push(Declared { table: tname, column: cname, nullable: !col.not_null, to });
            }
        }
    }
    out
}

/// Text for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace('<', "&lt;").replace('*', "\\*").replace('`', "\\`").replace('\n', "<br>")
}

/// Code in a Markdown table cell.
fn code(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|");
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

/// The first sentence of a comment, for the overview.
fn first_sentence(s: &str) -> &str {
    let s = s.trim();
    match s.find(". ") {
        Some(i) => &s[..i + 1],
        None => s,
    }
}

/// `CREATE [UNIQUE] INDEX name ON [ONLY] [schema.]table USING method (...)`:
/// the table and the part from the method on.
fn split_index(def: &str) -> Option<(String, bool, String)> {
    let unique = def.starts_with("CREATE UNIQUE INDEX");
    let on = def.find(" ON ")?;
    let rest = &def[on + 4..];
    let rest = rest.strip_prefix("ONLY ").unwrap_or(rest);
    let (table, rest) = qualified(rest)?;
    let how = rest.trim_start().strip_prefix("USING ").unwrap_or(rest).trim().to_string();
    Some((table, unique, how))
}

/// `CREATE TRIGGER name BEFORE UPDATE ON public.t FOR EACH ROW ...` →
/// `BEFORE UPDATE FOR EACH ROW ...`.
fn trigger_summary(name: &str, def: &str) -> String {
    let body = ["CREATE TRIGGER ", "CREATE CONSTRAINT TRIGGER "]
        .iter()
        .find_map(|p| def.strip_prefix(p))
        .and_then(|r| ident(r).filter(|(n, _)| n == name).map(|(_, r)| r.trim_start()))
        .unwrap_or(def);
    if let Some(on) = body.find(" ON ") {
        if let Some((_, after)) = qualified(&body[on + 4..]) {
            return format!("{}{}", &body[..on], after);
        }
    }
    body.to_string()
}

/// What the page says about where the catalog came from.
pub struct Source<'a> {
    pub schema: &'a str,
    pub summary: &'a str,
    /// The catalog file, relative to the workspace (for a link from `docs/schema/`).
    pub catalog_path: &'a str,
    /// The newest migration, e.g. `V4__device_suffix_index`.
    pub newest: &'a str,
}

pub fn page(src: &Source, cat: &Catalog) -> String {
    let links = links(cat);
    let declared = declared(cat, &links);
    let mut out = String::new();
    let o = &mut out;
    let fk_cols: BTreeSet<(&str, &str)> = links.iter().flat_map(|l| l.fk.columns.iter().map(|c| (l.from.as_str(), c.as_str()))).collect();

    writeln!(o, "# Schema `{}`\n", src.schema).unwrap();
    writeln!(o, "{}\n", src.summary).unwrap();
    writeln!(
        o,
        "Generated by `runner doc` from [`{path}`](../../{path}), the expected catalog after `{newest}`. \
Do not edit: change the migrations, then run `runner snapshot --schema {s}` and `runner doc --schema {s}`.\n",
        path = src.catalog_path,
        newest = src.newest,
        s = src.schema
    )
    .unwrap();
    let counts = [
        (cat.tables.len(), "table"),
        (links.len(), "foreign key"),
        (cat.indexes.len(), "index"),
        (cat.functions.len(), "function"),
        (cat.triggers.len(), "trigger"),
        (cat.views.len(), "view"),
        (cat.enums.len(), "enum type"),
    ];
    let plural = |n: usize, w: &str| match (n, w) {
        (1, _) => format!("1 {w}"),
        (_, "index") => format!("{n} indexes"),
        _ => format!("{n} {w}s"),
    };
    let counts: Vec<String> = counts.iter().enumerate().filter(|(i, (n, _))| *i == 0 || *n > 0).map(|(_, (n, w))| plural(*n, w)).collect();
    writeln!(o, "{}.\n", counts.join(", ")).unwrap();

    // The diagram.
    let external = external_tables(cat, &links, &declared);
    writeln!(o, "## Diagram\n").unwrap();
    if !external.is_empty() {
        let other_db = if external.values().any(|e| e.database.is_some()) { "; a table of another database is named `<database>__<table>`" } else { "" };
        writeln!(o, "Tables this schema does not create are drawn with only the columns referenced, marked `external`{other_db}.\n").unwrap();
    }
    if !declared.is_empty() {
        writeln!(
            o,
            "Dotted lines are references that no foreign key enforces (see {}).\n",
            [
                declared.iter().any(|d| d.to.database.is_some()).then_some("[Cross-database references](#cross-database-references)"),
                declared.iter().any(|d| d.to.database.is_none()).then_some("[References without a foreign key](#references-without-a-foreign-key)"),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" and ")
        )
        .unwrap();
    }
    writeln!(o, "```mermaid\nerDiagram").unwrap();
    for (tname, t) in &cat.tables {
        let pk = primary_key(t);
        writeln!(o, "    {tname} {{").unwrap();
        for (cname, col) in ordered_columns(t) {
            let keys: Vec<&str> = [pk.contains(cname).then_some("PK"), fk_cols.contains(&(tname.as_str(), cname.as_str())).then_some("FK")]
                .into_iter()
                .flatten()
                .collect();
            let keys = if keys.is_empty() { String::new() } else { format!(" {}", keys.join(", ")) };
            writeln!(o, "        {} {cname}{keys}", diagram_type(&col.data_type)).unwrap();
        }
        writeln!(o, "    }}").unwrap();
    }
    for (name, ext) in &external {
        writeln!(o, "    {name} {{").unwrap();
        let note = match &ext.database {
            Some(db) => format!("external, database {db}"),
            None => "external".to_string(),
        };
        for (cname, ty) in &ext.columns {
            writeln!(o, "        {} {cname} \"{note}\"", diagram_type(ty)).unwrap();
        }
        writeln!(o, "    }}").unwrap();
    }
    for l in &links {
        let card = if l.nullable { "|o--o{" } else { "||--o{" };
        writeln!(o, "    {} {card} {} : \"{}\"", l.fk.table, l.from, l.fk.columns.join(", ")).unwrap();
    }
    for d in &declared {
        let card = if d.nullable { "|o..o{" } else { "||..o{" };
        writeln!(o, "    {} {card} {} : \"{}\"", entity(&d.to), d.table, d.column).unwrap();
    }
    writeln!(o, "```\n").unwrap();

    // Overview.
    writeln!(o, "## Tables\n\n| table | columns | comment |\n|---|---|---|").unwrap();
    for (tname, t) in &cat.tables {
        let comment = t.comment.as_deref().map(first_sentence).unwrap_or("");
        writeln!(o, "| [`{tname}`](#{}) | {} | {} |", anchor(tname), t.columns.len(), cell(comment)).unwrap();
    }
    writeln!(o).unwrap();

    // Per table.
    let mut indexes: BTreeMap<String, Vec<(&String, bool, String)>> = BTreeMap::new();
    let mut other_indexes = Vec::new();
    for (name, def) in &cat.indexes {
        match split_index(def) {
            Some((table, unique, how)) if cat.tables.contains_key(&table) => indexes.entry(table).or_default().push((name, unique, how)),
            _ => other_indexes.push((name, def)),
        }
    }
    for (tname, t) in &cat.tables {
        writeln!(o, "### {tname}\n").unwrap();
        if let Some(c) = &t.comment {
            writeln!(o, "{}\n", c.trim()).unwrap();
        }
        writeln!(o, "| column | type | null | default | comment |\n|---|---|---|---|---|").unwrap();
        for (cname, col) in ordered_columns(t) {
            writeln!(
                o,
                "| `{cname}` | {} | {} | {} | {} |",
                code(&col.data_type),
                if col.not_null { "not null" } else { "null" },
                col.default.as_deref().map(code).unwrap_or_default(),
                col.comment.as_deref().map(cell).unwrap_or_default()
            )
            .unwrap();
        }
        writeln!(o).unwrap();
        if !t.constraints.is_empty() {
            writeln!(o, "| constraint | definition |\n|---|---|").unwrap();
            for (k, def) in &t.constraints {
                writeln!(o, "| `{k}` | {} |", code(def)).unwrap();
            }
            writeln!(o).unwrap();
        }
        if let Some(list) = indexes.get(tname) {
            writeln!(o, "| index | unique | definition |\n|---|---|---|").unwrap();
            for (name, unique, how) in list {
                writeln!(o, "| `{name}` | {} | {} |", if *unique { "yes" } else { "" }, code(how)).unwrap();
            }
            writeln!(o).unwrap();
        }
        let prefix = format!("{tname}.");
        let triggers: Vec<_> = cat.triggers.iter().filter_map(|(k, d)| k.strip_prefix(&prefix).map(|n| (n, d))).collect();
        if !triggers.is_empty() {
            writeln!(o, "| trigger | definition |\n|---|---|").unwrap();
            for (name, def) in triggers {
                writeln!(o, "| `{name}` | {} |", code(&trigger_summary(name, def))).unwrap();
            }
            writeln!(o).unwrap();
        }
    }
    if !other_indexes.is_empty() {
        writeln!(o, "### Other indexes\n\n| index | definition |\n|---|---|").unwrap();
        for (name, def) in other_indexes {
            writeln!(o, "| `{name}` | {} |", code(def)).unwrap();
        }
        writeln!(o).unwrap();
    }

    let required: Vec<(&String, Vec<String>)> = external
        .keys()
        .map(|name| {
            let by = links
                .iter()
                .filter(|l| &l.fk.table == name)
                .map(|l| format!("`{}.{}` → `{}`", l.from, l.fk.columns.join(", "), l.fk.ref_columns.join(", ")))
                .collect();
            (name, by)
        })
        .filter(|(_, by): &(_, Vec<String>)| !by.is_empty())
        .collect();
    if !required.is_empty() {
        writeln!(
            o,
            "## External tables\n\nTables this schema's foreign keys reference but that its migrations do not create \
(the application owns them; they must exist before the migrations run).\n\n| table | referenced by |\n|---|---|"
        )
        .unwrap();
        for (name, by) in required {
            writeln!(o, "| `{name}` | {} |", by.join("<br>")).unwrap();
        }
        writeln!(o).unwrap();
    }
    let (other_db, same_db): (Vec<&Declared>, Vec<&Declared>) = declared.iter().partition(|d| d.to.database.is_some());
    for (list, heading, text) in [
        (
            other_db,
            "Cross-database references",
            "Columns holding the id of a row in another database, as their comment says. A foreign key cannot cross \
databases, so PostgreSQL enforces none of them: the application keeps them valid.",
        ),
        (
            same_db,
            "References without a foreign key",
            "Columns holding the id of a row of this database, as their comment says, with no foreign key to enforce it.",
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        writeln!(o, "## {heading}\n\n{text}\n\n| column | references | null |\n|---|---|---|").unwrap();
        for d in list {
            let db = d.to.database.as_deref().map(|db| format!("{db}.")).unwrap_or_default();
            let null = if d.nullable { "null" } else { "not null" };
            writeln!(o, "| `{}.{}` | `{db}{}.{}` | {null} |", d.table, d.column, d.to.table, d.to.column).unwrap();
        }
        writeln!(o).unwrap();
    }
    if !cat.functions.is_empty() {
        writeln!(o, "## Functions\n\n| function | returns | language | comment |\n|---|---|---|---|").unwrap();
        for (sig, f) in &cat.functions {
            writeln!(o, "| {} | {} | {} | {} |", code(sig), code(&f.returns), f.language, f.comment.as_deref().map(cell).unwrap_or_default()).unwrap();
        }
        writeln!(o).unwrap();
    }
    if !cat.views.is_empty() {
        writeln!(o, "## Views\n").unwrap();
        for name in cat.views.keys() {
            writeln!(o, "- `{name}`").unwrap();
        }
        writeln!(o).unwrap();
    }
    if !cat.enums.is_empty() {
        writeln!(o, "## Enum types\n\n| type | values |\n|---|---|").unwrap();
        for (name, values) in &cat.enums {
            writeln!(o, "| `{name}` | {} |", values.iter().map(|v| code(v)).collect::<Vec<_>>().join(", ")).unwrap();
        }
        writeln!(o).unwrap();
    }
    if !cat.extensions.is_empty() {
        writeln!(o, "## Extensions\n").unwrap();
        for e in &cat.extensions {
            writeln!(o, "- `{e}`").unwrap();
        }
        writeln!(o).unwrap();
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// GitHub's heading anchor for a table name (lower case, spaces to dashes).
fn anchor(name: &str) -> String {
    name.to_lowercase().chars().filter(|c| c.is_alphanumeric() || *c == '_' || *c == '-' || *c == ' ').map(|c| if c == ' ' { '-' } else { c }).collect()
}

/// The diagram's entity for a referenced table: a table of another
/// database is `<database>__<table>`.
fn entity(r: &CommentReference) -> String {
    match &r.database {
        Some(db) => format!("{db}__{}", r.table),
        None => r.table.clone(),
    }
}

/// A table that the schema references but does not create.
#[derive(Default)]
struct External {
    /// `None`: this database.
    database: Option<String>,
    /// The columns referenced, with their types (taken from the referencing columns).
    columns: BTreeMap<String, String>,
}

/// Every external table by its diagram entity name.
fn external_tables(cat: &Catalog, links: &[Link], declared: &[Declared]) -> BTreeMap<String, External> {
    let mut out: BTreeMap<String, External> = BTreeMap::new();
    for l in links.iter().filter(|l| !cat.tables.contains_key(&l.fk.table)) {
        for (c, r) in l.fk.columns.iter().zip(&l.fk.ref_columns) {
            let ty = cat.tables[&l.from].columns.get(c).map(|col| col.data_type.clone()).unwrap_or_default();
            out.entry(l.fk.table.clone()).or_default().columns.entry(r.clone()).or_insert(ty);
        }
    }
    for d in declared.iter().filter(|d| d.to.database.is_some() || !cat.tables.contains_key(&d.to.table)) {
        let ty = cat.tables[d.table].columns[d.column].data_type.clone();
        let ext = out.entry(entity(&d.to)).or_default();
        ext.database = d.to.database.clone();
        ext.columns.entry(d.to.column.clone()).or_insert(ty);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_keys_parse_with_quotes_schemas_and_several_columns() {
        let fk = parse_foreign_key("FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE").unwrap();
        assert_eq!(fk, ForeignKey { columns: vec!["user_id".into()], table: "users".into(), ref_columns: vec!["id".into()] });
        let fk = parse_foreign_key(r#"FOREIGN KEY ("Team Id", seq) REFERENCES auth."Teams"(id, "se""q") MATCH FULL NOT VALID"#).unwrap();
        assert_eq!(fk.columns, ["Team Id", "seq"]);
        assert_eq!(fk.table, "Teams");
        assert_eq!(fk.ref_columns, ["id", "se\"q"]);
        assert_eq!(parse_foreign_key("PRIMARY KEY (id)"), None);
        assert_eq!(parse_foreign_key("FOREIGN KEY (a REFERENCES t(id)"), None);
        assert_eq!(parse_foreign_key("FOREIGN KEY (\"a) REFERENCES t(id)"), None);
    }

    #[test]
    fn comment_references_name_a_database_or_this_one() {
        let r = parse_comment_reference("References socrates_auth.users.id (cross-database, no foreign key)").unwrap();
        assert_eq!((r.database.as_deref(), r.table.as_str(), r.column.as_str()), (Some("socrates_auth"), "users", "id"));
        let r = parse_comment_reference("References users.id in this database: the user who granted the role").unwrap();
        assert_eq!((r.database, r.table.as_str(), r.column.as_str()), (None, "users", "id"));
        assert_eq!(parse_comment_reference("Polymorphic reference: id of a row"), None);
        assert_eq!(parse_comment_reference("References the user"), None);
    }

    #[test]
    fn diagram_types_are_single_tokens() {
        for (pg, token) in [
            ("character varying(255)", "varchar"),
            ("character varying[]", "varchar[]"),
            ("numeric(5,2)", "numeric"),
            ("timestamp with time zone", "timestamptz"),
            ("timestamp(3) without time zone", "timestamp"),
            ("double precision[]", "float8[]"),
            ("uuid", "uuid"),
            ("\"Mood\"", "t_Mood_"),
        ] {
            assert_eq!(diagram_type(pg), token, "{pg}");
        }
    }

    #[test]
    fn index_and_trigger_definitions_are_split_from_their_table() {
        assert_eq!(
            split_index("CREATE UNIQUE INDEX a_pkey ON public.a USING btree (id) WHERE (x IS NULL)"),
            Some(("a".into(), true, "btree (id) WHERE (x IS NULL)".into()))
        );
        assert_eq!(
            trigger_summary("t_upd", "CREATE TRIGGER t_upd BEFORE INSERT OR UPDATE ON public.a FOR EACH ROW EXECUTE FUNCTION f()"),
            "BEFORE INSERT OR UPDATE FOR EACH ROW EXECUTE FUNCTION f()"
        );
    }
}
