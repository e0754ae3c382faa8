//! The command line: clap definitions, one file per subcommand. Flags become plain settings
//! here; the library never sees clap. `main` maps the outcome to an exit status.

mod autoscale;
mod check;
mod completions;
mod explain;
mod import;
mod init;
mod output;
mod render;
mod schema;
mod simulate;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

pub use output::Output;

/// Autoscaling config-as-code: one services file renders Kubernetes HPAs, a Docker autoscaler
/// config and docs; `check` holds existing manifests to the same rules.
#[derive(Debug, Parser)]
#[command(name = "scalegen", version, about, max_term_width = 100)]
pub struct Cli {
    /// When to use colour: auto (when writing to a terminal), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Diagnostics with source snippets, for people.
    Human,
    /// One JSON object: `{"diagnostics": [...]}`.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Treat warnings as errors.
    Warnings,
}

/// Options every checking command shares.
#[derive(Debug, clap::Args)]
pub struct CheckOptions {
    /// A policy file, or a built-in policy: default, strict, api-server.
    #[arg(long, value_name = "FILE|NAME", default_value = "default")]
    pub policy: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// `--deny warnings` makes warnings fail the run.
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a services file and report every problem in it.
    Validate {
        /// The services file.
        #[arg(default_value = "scalegen.yaml")]
        file: PathBuf,
        #[command(flatten)]
        options: CheckOptions,
    },
    /// Render HPAs, the Docker autoscaler config and docs from the services file.
    Render(render::RenderArgs),
    /// Turn existing HorizontalPodAutoscalers into a services file that reproduces them.
    Import(import::ImportArgs),
    /// Write a commented starter services file (and, with `--pre-commit`, the hooks).
    Init(init::InitArgs),
    /// Print shell completions: bash, zsh, fish, elvish, powershell.
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff).
    Man,
    /// Check Kubernetes manifests (HPAs and the workloads they scale) against the same rules,
    /// the API server's validation, and the services file.
    Check(check::CheckArgs),
    /// Print the services file's JSON Schema.
    Schema {
        /// Print the policy file's schema instead.
        #[arg(long)]
        policy: bool,
    },
    /// Print a rule's documentation.
    Explain {
        /// A rule name (`max-below-min`) or code (`SG102`).
        rule: String,
    },
    /// Enforce the autoscaling policy on a running platform (`autoscale docker`).
    Autoscale {
        #[command(subcommand)]
        target: autoscale::AutoscaleCommand,
    },
    /// Replay a load pattern or a metrics trace through the Kubernetes HPA controller model and
    /// the Docker autoscaler model, and show replicas over time.
    Simulate(Box<simulate::SimulateArgs>),
    /// List every rule with its code, name, default severity and commands.
    Rules {
        /// Output format: a table, or JSON.
        #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
}

/// Exit statuses: 0 fine, 1 problems found, 2 usage or I/O error.
pub const EXIT_PROBLEMS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let mut out = Output::new(cli.color);
    let status = match cli.command {
        Command::Validate { file, options } => validate::run(&mut out, &file, &options),
        Command::Render(args) => render::run(&mut out, &args),
        Command::Import(args) => import::run(&mut out, &args),
        Command::Init(args) => init::run(&mut out, &args),
        Command::Completions(args) => completions::completions(&mut out, &args),
        Command::Man => completions::man(&mut out),
        Command::Check(args) => check::run(&mut out, &args),
        Command::Schema { policy } => schema::run(&mut out, policy),
        Command::Explain { rule } => explain::explain(&mut out, &rule),
        Command::Rules { format } => explain::rules(&mut out, format),
        Command::Autoscale { target } => autoscale::run(&mut out, cli.color, target),
        Command::Simulate(args) => simulate::run(&mut out, &args),
    };
    ExitCode::from(status)
}
