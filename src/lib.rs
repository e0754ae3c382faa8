//! scalegen: autoscaling config-as-code.
