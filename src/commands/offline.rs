//! Commands that need no vault: base58 helpers and generated assets.

use super::Outcome;
use crate::cli::{DidCommand, Shell};
use crate::error::{Error, Result};
use std::path::Path;

/// `did encode` / `did decode`.
pub fn did(command: &DidCommand, warnings: &mut Vec<String>) -> Result<Outcome> {
    match command {
        DidCommand::Encode { text } => {
            if text.is_empty() {
                return Err(Error::Usage("nothing to encode".into()));
            }
            // Encode what the operator asked for, but say when the other
            // commands will not take it.
            if let Err(e) = crate::did::check_did_text(text) {
                warnings.push(format!(
                    "warning: {}; the DID commands will refuse it",
                    e.detail()
                ));
            }
            Ok(Outcome::Value {
                key: "base58",
                value: crate::did::encode(text),
            })
        }
        DidCommand::Decode { base58 } => Ok(Outcome::Value {
            key: "text",
            value: crate::did::decode_text(base58)?,
        }),
    }
}

/// `completions <SHELL>`.
pub fn completions(shell: Shell) -> Result<Outcome> {
    let script = String::from_utf8_lossy(&crate::assets::completion(shell)).into_owned();
    Ok(Outcome::Value {
        key: "script",
        value: script.trim_end().to_string(),
    })
}

/// `man`: the main page on stdout, or every page installed into
/// `dir/man1` (one line on stderr says where).
pub fn man(install_dir: Option<&Path>, warnings: &mut Vec<String>) -> Result<Outcome> {
    let Some(dir) = install_dir else {
        let pages = crate::assets::man_pages().map_err(|e| Error::io("cannot render", e))?;
        let main = pages.into_iter().next().map(|(_, p)| p).unwrap_or_default();
        return Ok(Outcome::Value {
            key: "page",
            value: String::from_utf8_lossy(&main).trim_end().to_string(),
        });
    };
    let files = crate::assets::install_man_pages(dir)
        .map_err(|e| Error::io(format!("cannot install man pages in {}", dir.display()), e))?;
    warnings.push(format!(
        "installed {} man pages in {}",
        files.len(),
        dir.join("man1").display()
    ));
    Ok(Outcome::Count {
        key: "installed",
        n: files.len(),
    })
}

/// `generate-assets` (for developers): completions/ and man/.
pub fn generate_assets(out_dir: &Path) -> Result<Outcome> {
    let files = crate::assets::write(out_dir).map_err(|e| Error::io("cannot write assets", e))?;
    Ok(Outcome::Value {
        key: "files",
        value: files.join("\n"),
    })
}
