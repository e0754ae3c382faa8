//! Where the CLI writes: stdout for results, stderr for diagnostics and summaries. A closed
//! pipe (`scalegen rules | head`) ends the run quietly instead of panicking.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use scalegen::diagnostics::report::HumanOptions;

use super::ColorChoice;

pub struct Output {
    color_stderr: bool,
    pub width: usize,
}

impl Output {
    pub fn new(choice: ColorChoice) -> Self {
        let color_stderr = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100);
        Self {
            color_stderr,
            width,
        }
    }

    pub fn human_options(&self) -> HumanOptions {
        HumanOptions {
            color: self.color_stderr,
            width: self.width,
        }
    }

    /// Writes to stdout; a closed pipe exits the process with success.
    pub fn stdout(&mut self, text: &str) {
        write_stdout(text);
    }

    pub fn stderr(&mut self, text: &str) {
        let mut stderr = io::stderr().lock();
        let _ = stderr.write_all(text.as_bytes());
    }

    /// An error that ends the run (usage, I/O): `error: ...` on stderr.
    pub fn fatal(&mut self, message: &str) -> u8 {
        let prefix = if self.color_stderr {
            "\x1b[1;31merror\x1b[0m"
        } else {
            "error"
        };
        self.stderr(&format!("{prefix}: {message}\n"));
        super::EXIT_USAGE
    }

    /// Refuses to replace an existing file unless `--force` is given. `Err` carries the exit
    /// status.
    pub fn refuse_overwrite(&mut self, path: &Path, force: bool) -> Result<(), u8> {
        if path.exists() && !force {
            return Err(self.fatal(&format!(
                "{} already exists; use `--force` to replace it, or pick another path",
                path.display()
            )));
        }
        Ok(())
    }
}

/// Writes to stdout and flushes; a closed pipe exits the process with success.
pub fn write_stdout(text: &str) {
    let mut stdout = io::stdout().lock();
    if let Err(err) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        && err.kind() == io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}
