-- Undo socrates_specs V1__core_specification_tables. Drops the tables with their rows.

DROP TABLE conflicts;
DROP TABLE conversation_history;
DROP TABLE specifications;
DROP TABLE questions;
DROP TABLE sessions;
DROP TABLE projects;
