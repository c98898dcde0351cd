//! MUED: the RAG tables beside the LMS's own schema.

mod common;

use common::*;

fn profile(db: &TestDb, production: bool) -> Profiles {
    let p = Profiles::new();
    p.write("p", &one_target("mued", &db.url, &format!("production: {production}")));
    p
}

#[test]
fn missing_users_table_is_refused_and_nothing_is_applied() {
    let db = TestDb::new("mued_prereq");
    let p = profile(&db, true);
    let run = p.run("p", &[]);
    run.expect(4);
    assert!(run.stderr.contains("table \"users\" with a uuid \"id\" column is missing"), "{}", run.stderr);
    let mut c = db.client();
    assert_eq!(count(&mut c, "SELECT count(*) FROM pg_class WHERE relnamespace='public'::regnamespace"), 0, "the database was changed");
    assert_eq!(count(&mut c, "SELECT count(*) FROM pg_type WHERE typnamespace='public'::regnamespace"), 0);
    // A users table with an integer id is not the application's either.
    c.batch_execute("CREATE TABLE users (id integer PRIMARY KEY)").unwrap();
    let run = p.run("p", &[]);
    run.expect(4);
    assert!(run.stderr.contains("has no uuid \"id\" column"), "{}", run.stderr);
}

#[test]
fn production_never_creates_the_base_tables() {
    let db = TestDb::new("mued_prod");
    let run = profile(&db, true).run("p", &["--with-test-data"]);
    run.expect(2);
    assert_eq!(count(&mut db.client(), "SELECT count(*) FROM pg_class WHERE relnamespace='public'::regnamespace"), 0);
}

#[test]
fn full_apply_beside_an_existing_application_schema() {
    let db = TestDb::new("mued_full");
    let mut c = db.client();
    // The application's own users table and shared trigger function, as the LMS has them.
    c.batch_execute(
        "CREATE TABLE users (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), clerk_id text UNIQUE NOT NULL, email text NOT NULL);
         CREATE FUNCTION update_updated_at_column() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END $$;",
    )
    .unwrap();
    let p = profile(&db, true);
    p.run("p", &[]).expect(0);

    let enums = rows(&mut c, "SELECT t.typname||': '||string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid=t.oid GROUP BY t.typname ORDER BY 1");
    assert_eq!(enums, [
        "acquisition_method: api_fetch,manual_upload,ai_generated,user_created,system_import",
        "content_type: material,creation_log,generated,note_article,ai_response",
        "license_type: cc_by,cc_by_sa,cc_by_nc,cc_by_nc_sa,proprietary,mit,apache_2_0,all_rights_reserved,public_domain",
    ]);
    let columns = rows(&mut c, "SELECT table_name||' '||count(*) FROM information_schema.columns WHERE table_schema='public' AND table_name IN ('ai_dialogue_log','provenance','rag_metrics_history','plugin_registry') GROUP BY table_name ORDER BY 1");
    assert_eq!(columns, ["ai_dialogue_log 19", "plugin_registry 13", "provenance 19", "rag_metrics_history 17"]);
    let fks = rows(&mut c, "SELECT conname||' '||pg_get_constraintdef(oid) FROM pg_constraint WHERE contype='f' ORDER BY 1");
    assert_eq!(fks, [
        "fk_ai_dialogue_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE",
        "fk_provenance_acquired_by FOREIGN KEY (acquired_by) REFERENCES users(id) ON DELETE SET NULL",
    ]);
    assert_eq!(count(&mut c, "SELECT count(*) FROM pg_constraint WHERE conrelid='provenance'::regclass AND contype='f' AND conkey @> ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid='provenance'::regclass AND attname='content_id')]"), 0, "content_id stays polymorphic");
    // The indexes of 0006 and 0007 (plus primary keys and unique keys).
    let idx = rows(&mut c, "SELECT indexname FROM pg_indexes WHERE schemaname='public' AND tablename <> 'users' AND tablename <> 'mued_schema_history' ORDER BY 1");
    for name in ["idx_ai_dialogue_user", "idx_ai_dialogue_session", "idx_ai_dialogue_created_at", "idx_ai_dialogue_citation_rate", "idx_ai_dialogue_user_created",
                 "idx_provenance_content", "idx_provenance_source", "idx_provenance_license", "idx_provenance_retention", "idx_provenance_expiring",
                 "idx_rag_metrics_date", "idx_rag_metrics_compliance", "idx_rag_metrics_date_unique",
                 "idx_plugin_name", "idx_plugin_enabled", "idx_plugin_enabled_healthy"] {
        assert!(idx.iter().any(|i| i == name), "missing index {name}: {idx:?}");
    }
    assert_eq!(idx.len(), 22, "{idx:?}");
    assert_eq!(rows(&mut c, "SELECT source||' '||name FROM plugin_registry ORDER BY source"), ["local Local Materials", "note Note.com Integration"]);
    assert_eq!(count(&mut c, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), 3);

    // A second run changes nothing; the application's table and function are untouched.
    let before = catalog(&mut c);
    p.run("p", &[]).expect(0);
    assert_eq!(before, catalog(&mut c));
    assert_eq!(count(&mut c, "SELECT count(*) FROM information_schema.columns WHERE table_name='users'"), 3);
}

#[test]
fn local_test_data_on_an_empty_database_creates_the_base_tables() {
    let db = TestDb::new("mued_dev");
    let run = profile(&db, false).run("p", &["--with-test-data"]);
    run.expect(0);
    let mut c = db.client();
    assert_eq!(count(&mut c, "SELECT count(*) FROM pg_tables WHERE tablename IN ('users','materials')"), 2);
    assert!(count(&mut c, "SELECT count(*) FROM ai_dialogue_log") > 0);
}
