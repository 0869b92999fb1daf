//! The only module that talks to AWS: client setup, concurrent reads normalised into the
//! model, one file per service's writes, waiters.

pub mod client;
pub mod error;
pub mod kinds;
pub mod lock;
pub mod pages;
pub mod read;
pub mod state;
pub mod timeouts;
pub mod wait;
pub mod watch;
mod watch_calls;
pub mod write;

pub use client::{Clients, Recorder};
pub use error::AwsError;
