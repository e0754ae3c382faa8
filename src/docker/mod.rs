//! The Docker side: scalegen's own autoscaler config ([`config`], written by `render`), and the
//! decision model ([`model`]) that both `simulate --engine docker` and `autoscale docker` run,
//! so what is simulated is what runs.
//!
//! `autoscale docker` adds: [`engine`] (the Engine API operations it needs, as a trait, over
//! bollard), [`usage`] (stats to utilization, as `docker stats` and the HPA compute them),
//! [`replicas`] (which containers are a service's, how new ones are named and copied) and
//! [`autoscaler`] (the loop: measure, decide, act, report).

pub mod autoscaler;
pub mod config;
pub mod engine;
pub mod model;
pub mod replicas;
pub mod usage;
