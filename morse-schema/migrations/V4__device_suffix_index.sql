-- no-transaction
-- MORSE V4: case-insensitive index on the last 4 characters of users.device_uuid
-- for search_devices_by_last4 (V3), which filters on exactly this expression.
-- Built CONCURRENTLY so uploads into users are not blocked. Runs outside a
-- transaction, one statement at a time.
-- The DROP first removes an INVALID index left behind by an interrupted
-- concurrent build (IF NOT EXISTS alone would keep that unusable index).
-- This file runs once (history table), so a valid index is never there yet.
DROP INDEX CONCURRENTLY IF EXISTS idx_users_device_uuid_last4;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_device_uuid_last4 ON users (lower(right(device_uuid, 4)));
