-- Undoes V2 legacy_import_maps.

DROP TABLE legacy_image_map;
DROP TABLE legacy_id_map;
