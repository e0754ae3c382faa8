//! Kubernetes objects: their tightened JSON Schemas ([`schemas`]) and the API server's own
//! validation of HorizontalPodAutoscalers ([`hpa_api`]).

pub mod api_versions;
pub mod hpa_api;
pub mod schemas;
