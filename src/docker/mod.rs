//! The Docker side: scalegen's own autoscaler config ([`config`], written by `render`), and the
//! decision model ([`model`]) that both `simulate --engine docker` and `autoscale docker` run,
//! so what is simulated is what runs.

pub mod autoscaler;
pub mod config;
pub mod engine;
pub mod model;
pub mod replicas;
pub mod usage;
