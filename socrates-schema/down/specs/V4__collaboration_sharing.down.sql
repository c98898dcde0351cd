-- Undo socrates_specs V4__collaboration_sharing. Drops the tables with their rows.

DROP TABLE project_shares;
DROP TABLE team_members;
DROP TABLE teams;
