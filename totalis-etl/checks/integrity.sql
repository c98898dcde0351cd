-- Totalis data-integrity checks, run by `runner verify` (one query per block;
-- each row returned is one problem). Rows owned by the legacy import are the
-- ones named in legacy_id_map; seed and hand-made rows are checked only where
-- the app itself depends on them (default_coach, the category tree).

-- @default_coach_resolves: app_config default_coach, when present, names an existing active coach by value->>'default_coach_id'
SELECT 'app_config default_coach ' || CASE
           WHEN c.value ->> 'default_coach_id' IS NULL
               THEN 'has no default_coach_id: ' || left(c.value::text, 200)
           WHEN c.value ->> 'default_coach_id' !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
               THEN 'default_coach_id ' || quote_literal(c.value ->> 'default_coach_id') || ' is not a uuid'
           WHEN co.id IS NULL
               THEN 'default_coach_id ' || (c.value ->> 'default_coach_id') || ' names no coach'
           ELSE 'default_coach_id ' || co.id || ' names coach ' || quote_literal(co.name) || ', which is not active'
       END
  FROM app_config c
  LEFT JOIN coaches co ON co.id::text = lower(c.value ->> 'default_coach_id')
 WHERE c.key = 'default_coach'
   AND (co.id IS NULL OR NOT co.is_active);

-- @categories_reach_a_root: every category reaches a root through parent_id (no parent cycles)
SELECT 'category ' || c.id || ' (' || quote_literal(c.name) || ', parent ' || c.parent_id || ') does not reach a root: its parent chain ends in a cycle'
  FROM categories c
 WHERE c.id NOT IN (
           WITH RECURSIVE reachable (id) AS (
               SELECT id FROM categories WHERE parent_id IS NULL
               UNION ALL
               SELECT ch.id FROM categories ch JOIN reachable r ON ch.parent_id = r.id
           )
           SELECT id FROM reachable
       );

-- @coach_images_mapped: every image URL of an imported coach comes from legacy_image_map
SELECT 'coach ' || c.id || ' (' || quote_literal(c.name) || ') ' || u.col || ' ' || u.url || ' is not in legacy_image_map'
  FROM coaches c
  JOIN legacy_id_map m ON m.entity = 'coach' AND m.new_id = c.id::text
 CROSS JOIN LATERAL (VALUES ('photo_url', c.photo_url),
                            ('image_url', c.image_url),
                            ('image_small_url', c.image_small_url),
                            ('image_medium_url', c.image_medium_url),
                            ('image_large_url', c.image_large_url)) AS u (col, url)
 WHERE u.url IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM legacy_image_map i WHERE i.public_url = u.url);

-- @category_icons_mapped: every icon URL of an imported category comes from legacy_image_map
SELECT 'category ' || c.id || ' (' || quote_literal(c.name) || ') ' || u.col || ' ' || u.url || ' is not in legacy_image_map'
  FROM categories c
  JOIN legacy_id_map m ON m.entity = 'category' AND m.new_id = c.id::text
 CROSS JOIN LATERAL (VALUES ('icon', c.icon),
                            ('icon_url', c.icon_url),
                            ('icon_secondary_url', c.icon_secondary_url)) AS u (col, url)
 WHERE u.url IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM legacy_image_map i WHERE i.public_url = u.url);

-- @legacy_ids_point_to_rows: every coach and category in legacy_id_map still exists in the target
SELECT 'legacy_id_map ' || m.entity || ' ' || m.legacy_id || ' names ' || m.new_id || ', which is not in '
       || CASE m.entity WHEN 'coach' THEN 'coaches' ELSE 'categories' END
  FROM legacy_id_map m
 WHERE (m.entity = 'coach' AND NOT EXISTS (SELECT 1 FROM coaches c WHERE c.id::text = m.new_id))
    OR (m.entity = 'category' AND NOT EXISTS (SELECT 1 FROM categories c WHERE c.id::text = m.new_id));
