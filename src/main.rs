//! The `policy-lint` binary: a thin shell over the library.

fn main() -> std::process::ExitCode {
    policy_lint::cli::run()
}
