//! The `emis` command: a thin entry point into [`emis::cli`].

use std::process::ExitCode;

fn main() -> ExitCode {
    emis::cli::main()
}
