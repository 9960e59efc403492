//! The `emis` command: a thin entry point into [`emis::cli`].

use std::process::ExitCode;

/// A request allocates and frees many small values (rows, strings, response nodes) across
/// threads; mimalloc does that with far less CPU than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    emis::cli::main()
}
