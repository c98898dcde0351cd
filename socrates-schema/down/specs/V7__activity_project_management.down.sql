-- Undo socrates_specs V7__activity_project_management. Drops the tables with their rows.

DROP TABLE project_invitations;
DROP TABLE activity_logs;
