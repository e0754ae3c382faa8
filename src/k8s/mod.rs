//! Kubernetes objects: their tightened JSON Schemas and the API server's own validation.

pub mod schemas;
