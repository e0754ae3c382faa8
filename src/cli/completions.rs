use clap::CommandFactory;

use super::{Cli, Output};

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: clap_complete::Shell,
}

/// Shell completions, generated from the same clap definitions as the CLI itself.
pub fn completions(out: &mut Output, args: &CompletionsArgs) -> u8 {
    let mut command = Cli::command();
    let mut buffer = Vec::new();
    clap_complete::generate(args.shell, &mut command, "scalegen", &mut buffer);
    out.stdout(&String::from_utf8_lossy(&buffer));
    0
}

/// The man page (roff), for `scalegen man > scalegen.1`.
pub fn man(out: &mut Output) -> u8 {
    let mut buffer = Vec::new();
    if let Err(err) = clap_mangen::Man::new(Cli::command()).render(&mut buffer) {
        return out.fatal(&format!("cannot render the man page: {err}"));
    }
    out.stdout(&String::from_utf8_lossy(&buffer));
    0
}
