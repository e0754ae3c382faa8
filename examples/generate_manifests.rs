//! Writes the benchmark's generated input (see `benches/support/generate.rs`) to a directory, to run
//! `scalegen check` on it by hand, e.g. to measure its peak memory:
//!
//! ```sh
//! cargo run --release --example generate_manifests -- /tmp/monorepo 2500
//! /usr/bin/time -v target/release/scalegen check /tmp/monorepo --no-services
//! ```

#[path = "../benches/support/generate.rs"]
mod generate;

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!(
            "usage: generate_manifests DIR [APPS]  (4 manifests per application; default 2500)"
        );
        return std::process::ExitCode::from(2);
    };
    let apps = match args.next().map(|a| a.parse::<usize>()) {
        None => 2_500,
        Some(Ok(apps)) => apps,
        Some(Err(err)) => {
            eprintln!("error: APPS must be a number: {err}");
            return std::process::ExitCode::from(2);
        }
    };
    match generate::write(std::path::Path::new(&dir), apps) {
        Ok(bytes) => {
            println!(
                "wrote {} manifests ({:.1} MB) to {dir}",
                apps * generate::PER_APP,
                bytes as f64 / 1e6
            );
            std::process::ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {dir}: {err}");
            std::process::ExitCode::from(2)
        }
    }
}
