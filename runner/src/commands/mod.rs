pub mod migrate;
pub mod status;
pub mod snapshot;
pub mod verify;
pub mod rollback;
pub mod adopt;
pub mod etl;
pub mod new;
