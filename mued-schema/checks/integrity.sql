-- MUED data-integrity checks, run by `runner verify` (one query per block;
-- each row returned is one problem).

-- @plugins_present: the two built-in plugin rows (note.com and local) exist
SELECT 'plugin_registry has no row for source ' || v.source || ' (' || v.name || ')'
  FROM (VALUES ('note', 'Note.com Integration'), ('local', 'Local Materials')) AS v(source, name)
 WHERE NOT EXISTS (SELECT 1 FROM plugin_registry p WHERE p.source = v.source);

-- @no_orphaned_dialogue_logs: every dialogue log belongs to an existing user
SELECT 'ai_dialogue_log ' || d.id || ' points at missing user ' || d.user_id
  FROM ai_dialogue_log d LEFT JOIN users u ON u.id = d.user_id WHERE u.id IS NULL;

-- @one_metrics_row_per_day: rag_metrics_history holds one row per day
SELECT 'rag_metrics_history has ' || count(*) || ' rows for ' || date(date)
  FROM rag_metrics_history GROUP BY date(date) HAVING count(*) > 1;
