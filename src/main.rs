//! The `policy-lint` binary: a thin shell over the library.

/// mimalloc instead of the system allocator: the linter makes millions of
/// small short-lived allocations (node trees, policy models, findings), and
/// glibc's per-thread arenas spend much of their time growing the heap
/// (docs/performance.md). A program that embeds the library keeps its own.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    policy_lint::cli::run()
}
