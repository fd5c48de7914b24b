//! What git falls back to when no name or email is configured (ident.c): the name from the
//! user's passwd entry (its GECOS field up to the first comma, `&` standing for the
//! capitalised login), the email `login@hostname` when the hostname has a domain. With
//! `user.useConfigOnly` git does neither, and nor do we.
//!
//! The passwd entry is read from `/etc/passwd` by the process's uid (the owner of
//! `/proc/self`), falling back to `$USER`/`$LOGNAME`; git also asks the resolver for a
//! hostname's domain, which we do not: a hostname without a dot gives no email, and the
//! error says to set `user.email`, as git does when its guess is bogus.

/// A passwd entry's login and GECOS name.
struct Passwd {
    login: String,
    gecos: String,
}

fn passwd() -> Option<Passwd> {
    let text = std::fs::read_to_string("/etc/passwd").ok()?;
    let uid = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self")
            .ok()
            .map(|m| m.uid().to_string())
    };
    let login = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok();
    let entries = text.lines().filter_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() >= 5).then(|| (fields[0], fields[2], fields[4]))
    });
    let (name, _, gecos) = entries
        .clone()
        .find(|(_, u, _)| uid.as_deref() == Some(*u))
        .or_else(|| {
            entries
                .clone()
                .find(|(n, _, _)| login.as_deref() == Some(*n))
        })?;
    Some(Passwd {
        login: name.to_owned(),
        gecos: gecos.to_owned(),
    })
}

/// The name git would use: the GECOS field up to its first comma, `&` as the login with a
/// capital first letter, trimmed. `None` when that is empty.
pub(crate) fn default_name() -> Option<String> {
    let pw = passwd()?;
    let mut capital = pw.login.chars();
    let login = capital
        .next()
        .map(|c| c.to_uppercase().chain(capital).collect::<String>())
        .unwrap_or_default();
    let field = pw.gecos.split(',').next().unwrap_or_default();
    let name = field.replace('&', &login).trim().to_owned();
    (!name.is_empty()).then_some(name)
}

/// The email git would guess: `login@hostname` when the hostname holds a domain;
/// otherwise `Err` with the bogus guess git would print (`login@host.(none)`).
pub(crate) fn default_email() -> Result<String, String> {
    let login = passwd().map(|p| p.login).unwrap_or_default();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_owned())
        .unwrap_or_default();
    if !login.is_empty() && host.contains('.') {
        Ok(format!("{login}@{host}"))
    } else {
        Err(format!("{login}@{host}.(none)"))
    }
}
