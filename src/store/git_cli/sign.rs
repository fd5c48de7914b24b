//! Signed ledger commits (`chant.signApprovals`): git writes the commit object with
//! `git commit-tree -S`, so it is signed exactly as `git commit -S` would sign it
//! (`gpg.format` openpgp, ssh or x509, `user.signingkey`, `gpg.program`,
//! `gpg.ssh.program`), and `git log --show-signature` verifies it. gix cannot sign.

use std::io::Write;
use std::process::{Command, Stdio};

use gix::ObjectId;

use super::super::identity::Identity;
use super::super::{Store, StoreError};

/// Writes the commit of `tree` with `parents` and `message`, signed by git with the
/// configured key, as `who` (the identity git chant resolved, passed on so the commit
/// names exactly the person the unsigned path would). Nothing is written when signing
/// fails: git writes the object only once it has the signature.
pub(crate) fn commit_tree_signed(
    store: &Store,
    who: &Identity,
    message: &str,
    tree: ObjectId,
    parents: impl IntoIterator<Item = ObjectId>,
) -> Result<ObjectId, StoreError> {
    let mut cmd = Command::new("git");
    cmd.arg("--git-dir")
        .arg(store.repo().git_dir())
        .args(["commit-tree", "-S"])
        .arg(tree.to_string());
    for parent in parents {
        cmd.arg("-p").arg(parent.to_string());
    }
    for (role, sig) in [("COMMITTER", &who.committer), ("AUTHOR", &who.author)] {
        cmd.env(format!("GIT_{role}_NAME"), sig.name.to_string())
            .env(format!("GIT_{role}_EMAIL"), sig.email.to_string())
            .env(format!("GIT_{role}_DATE"), raw_date(sig.time));
    }
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let io = |source| StoreError::Io {
        context: "running git commit-tree -S".into(),
        source,
    };
    let mut child = cmd.spawn().map_err(io)?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(message.as_bytes()).map_err(io)?;
    }
    let out = child.wait_with_output().map_err(io)?;
    let said = String::from_utf8_lossy(&out.stderr)
        .trim()
        .replace('\n', "; ");
    if !out.status.success() {
        return Err(StoreError::Signing { why: said });
    }
    let text = String::from_utf8_lossy(&out.stdout);
    ObjectId::from_hex(text.trim().as_bytes()).map_err(|_| StoreError::Signing {
        why: format!("git printed `{}`, not a commit id", text.trim()),
    })
}

/// A time in git's raw form, `<seconds> <+hhmm>`, which `GIT_*_DATE` takes as it is.
fn raw_date(time: gix::date::Time) -> String {
    let offset = time.offset;
    let sign = if offset < 0 { '-' } else { '+' };
    let minutes = offset.unsigned_abs() / 60;
    format!(
        "{} {sign}{:02}{:02}",
        time.seconds,
        minutes / 60,
        minutes % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_written_in_git_raw_form() {
        let t = gix::date::Time::new(1_770_042_473, -(5 * 3600 + 30 * 60));
        assert_eq!(super::raw_date(t), "1770042473 -0530");
        assert_eq!(super::raw_date(gix::date::Time::new(5, 0)), "5 +0000");
    }
}
