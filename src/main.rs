//! The `holdem-arena` binary: all logic lives in the library's `cli` module.

use mimalloc::MiMalloc;

#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

fn main() -> std::process::ExitCode {
    holdem_arena::cli::main()
}
