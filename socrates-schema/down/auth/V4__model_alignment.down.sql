-- Undo socrates_auth V4__model_alignment.
-- Lossy but always applicable: values that the V3 shape cannot hold are converted or
-- filled instead of making the rollback fail.

-- admin_audit_logs: drop the model columns; narrow resource_id and ip_address again
-- (longer values are cut to the old widths).
ALTER TABLE admin_audit_logs
    DROP COLUMN updated_at,
    DROP COLUMN details;

ALTER TABLE admin_audit_logs
    ALTER COLUMN resource_id TYPE varchar(36) USING left(resource_id, 36),
    ALTER COLUMN ip_address TYPE varchar(45) USING left(ip_address, 45);

-- admin_users: granted_by_id optional again, without the foreign key.
ALTER TABLE admin_users DROP CONSTRAINT admin_users_granted_by_id_fkey;
ALTER TABLE admin_users ALTER COLUMN granted_by_id DROP NOT NULL;
COMMENT ON COLUMN admin_users.granted_by_id IS 'References users.id in this database (no foreign key in the consolidated schema)';

-- admin_roles: permissions back to varchar[] (a JSON list of strings becomes the array;
-- anything else becomes the empty array); is_system_role required again.
CREATE FUNCTION pg_temp.socrates_jsonb_to_varchar_array(j jsonb) RETURNS varchar[]
    LANGUAGE sql IMMUTABLE
    AS $$
        SELECT CASE
                   WHEN jsonb_typeof(j) = 'array' THEN
                       coalesce((SELECT array_agg(e.value ORDER BY e.ordinality)
                                   FROM jsonb_array_elements_text(j) WITH ORDINALITY AS e(value, ordinality)),
                                '{}')::varchar[]
                   ELSE '{}'::varchar[]
               END
    $$;

ALTER TABLE admin_roles ALTER COLUMN permissions DROP DEFAULT;
ALTER TABLE admin_roles ALTER COLUMN permissions TYPE varchar[]
    USING pg_temp.socrates_jsonb_to_varchar_array(permissions);
ALTER TABLE admin_roles ALTER COLUMN permissions SET DEFAULT '{}'::varchar[];

DROP FUNCTION pg_temp.socrates_jsonb_to_varchar_array(jsonb);

UPDATE admin_roles SET is_system_role = false WHERE is_system_role IS NULL;
ALTER TABLE admin_roles ALTER COLUMN is_system_role SET NOT NULL;

-- users: email required again (users without one get a unique placeholder address in the
-- reserved .invalid domain); name, surname and username optional again.
ALTER TABLE users
    ALTER COLUMN name DROP NOT NULL,
    ALTER COLUMN surname DROP NOT NULL,
    ALTER COLUMN username DROP NOT NULL;

UPDATE users SET email = 'user-' || id::text || '@example.invalid' WHERE email IS NULL;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
