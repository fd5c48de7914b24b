//! Rendering diagnostics for people: colour only on a terminal (and never with `NO_COLOR`),
//! plain ASCII where asked (hooks, whose output a server relays as `remote:` lines), and
//! never a control character from the data they quote (see `escape`).

use std::io::IsTerminal;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme};

/// How a diagnostic is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Unicode box drawing with ANSI colour.
    Color,
    /// Unicode box drawing, no colour.
    Plain,
    /// ASCII only, no colour.
    Ascii,
}

impl Style {
    /// Colour when stderr is a terminal and `NO_COLOR` is unset; otherwise plain.
    pub fn for_stderr() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if !no_color && std::io::stderr().is_terminal() {
            Style::Color
        } else {
            Style::Plain
        }
    }
}

/// Renders a diagnostic with its source snippet, labels and help, 100 columns wide. Every
/// text it quotes is escaped first, so the only escape sequences are miette's colours.
pub fn render(diagnostic: &dyn Diagnostic, style: Style) -> String {
    let escaped = crate::escape::Escaped::new(diagnostic);
    let theme = match style {
        Style::Color => GraphicalTheme::unicode(),
        Style::Plain => GraphicalTheme::unicode_nocolor(),
        Style::Ascii => GraphicalTheme::none(),
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100);
    let mut out = String::new();
    if handler.render_report(&mut out, &escaped).is_err() {
        // Rendering into a String only fails on a formatter error; keep the message.
        out = format!("error: {escaped}\n");
    }
    out
}
