-- Undo socrates_specs V2__generated_content. Drops the tables with their rows.

DROP TABLE generated_files;
DROP TABLE generated_projects;
