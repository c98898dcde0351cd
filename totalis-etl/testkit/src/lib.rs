//! Test doubles of the Totalis import, in a crate of their own so that the
//! release `runner` never contains them: only dev-dependencies and the
//! `make-legacy` binary use it.
//!
//! - [`fake_supabase`]: a local server speaking Supabase Storage's HTTP API;
//! - [`fail_after`]: a storage whose uploads fail after the first k;
//! - [`legacy`]: the generator of synthetic legacy (`tls_*`) databases, with
//!   its image encoders.

pub mod fail_after;
pub mod fake_supabase;
pub mod legacy;

pub use fail_after::FailAfter;
pub use fake_supabase::FakeSupabase;
