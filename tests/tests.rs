//! Every integration test, in one binary (as ripgrep's `tests/tests.rs`):
//! one link instead of one per file, and the shared harness (`common`)
//! compiled once. Each module is a file beside this one, named for what it
//! protects; Cargo.toml sets `autotests = false`, so a new file here is
//! compiled only once it is declared below (`every_test_file_is_declared`
//! fails until it is).
// Test code fails loudly: clippy.toml allows unwrap, expect and panic in
// `#[test]` functions only, and the helpers beside them need them too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

mod administration;
mod apihub;
mod attacks;
mod audit;
mod exec_inject;
mod first_day;
mod first_hour;
mod generated_files;
mod readme;
mod reliability;
mod remote;
mod rfc_operations;
mod serve;
mod tokens;
mod vault_file;

/// A test file that no `mod` line names would silently never run.
#[test]
fn every_test_file_is_declared() {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let declared = include_str!("tests.rs");
    for entry in std::fs::read_dir(&here).unwrap() {
        let path = entry.unwrap().path();
        let module = if path.is_dir() {
            if !path.join("mod.rs").exists() {
                continue; // fixtures
            }
            path.file_name().unwrap().to_string_lossy().into_owned()
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("tests.rs") {
            path.file_stem().unwrap().to_string_lossy().into_owned()
        } else {
            continue;
        };
        assert!(
            declared.contains(&format!("\nmod {module};\n")),
            "{} is not declared in tests/tests.rs",
            path.display()
        );
    }
}
