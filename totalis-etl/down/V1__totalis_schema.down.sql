-- Undoes V1 totalis_schema. Dropping the tables drops their indexes,
-- constraints and triggers. Leaves totalis_schema_history alone (it belongs
-- to the runner).

DROP TABLE app_config;
DROP TABLE categories;
DROP TABLE coaches;

DROP FUNCTION totalis_set_updated_at();
