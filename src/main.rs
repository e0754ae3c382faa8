//! The scalegen binary: parse the command line, run the library, map the outcome to an exit
//! status (0 fine, 1 problems found, 2 usage or I/O error).

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
