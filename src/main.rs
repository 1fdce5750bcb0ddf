//! The `sso-secrets` binary: builds the real surroundings and runs the library.

use sso_secrets::credentials::{Env, RealTerminal};
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    sso_secrets::harden_process();
    let env = Env::from_process();
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    let io = sso_secrets::Io {
        env: &env,
        term: &RealTerminal,
        out_is_terminal: std::io::stdout().is_terminal(),
        err_is_terminal: std::io::stderr().is_terminal(),
        out: &mut out,
        err: &mut err,
    };
    ExitCode::from(sso_secrets::run(std::env::args_os().collect(), io))
}
