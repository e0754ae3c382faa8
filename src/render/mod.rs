//! `scalegen render`: from the resolved services file to every output file.

pub mod hpa;
