-- no-transaction
-- Undoes V4__device_suffix_index.sql.
DROP INDEX CONCURRENTLY IF EXISTS idx_users_device_uuid_last4;
