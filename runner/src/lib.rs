//! The runner: profiles, connections, the migration executor and commands.

pub mod canonical;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod db;
pub mod doc;
pub mod duration;
pub mod env_file;
pub mod error;
pub mod executor;
pub mod history;
pub mod interpolate;
pub mod lint;
pub mod lock;
pub mod logging;
pub mod output;
pub mod paint;
pub mod plan;
pub mod profile;
pub mod registry;
pub mod secrets;
pub mod session;
pub mod sqlsplit;
pub mod target;
pub mod tls;
pub mod yaml_check;
