pub mod migrate;
pub mod status;
