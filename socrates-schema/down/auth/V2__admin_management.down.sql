-- Undo socrates_auth V2__admin_management. Drops the tables with their rows.

DROP TABLE admin_audit_logs;
DROP TABLE admin_users;
DROP TABLE admin_roles;
