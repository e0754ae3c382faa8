//! The services file: as written ([`raw`]), resolved with defaults applied ([`services`]), and
//! the step between them ([`lower`]).

pub mod lower;
pub mod raw;
pub mod services;

pub use services::{Direction, Level, Origin, PolicyKind, Service, Services, Sourced};
