//! `git chant export`: the ledger in upstream chant's `.chant/` layout (the default), or
//! the specs as JSON, CSV or markdown.

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Args, ValueEnum};

use super::Ctx;
use crate::error::Error;
use crate::exit::Exit;
use crate::ops::export;
use crate::ops::export_formats::{self as formats, DEFAULT_FIELDS};
use crate::ops::query::{self, Filter, Scope};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Upstream's `.chant/` folder, byte for byte.
    Chant,
    /// `{exported_at, count, specs}`.
    Json,
    /// A header row, then one row per spec.
    Csv,
    /// `## <id>: <title>` and a `- Field: value` line per field.
    Markdown,
}

/// Export the ledger in upstream chant's `.chant/` layout, or the specs as data.
///
/// With `--format chant` (the default): live specs go to specs/, archived ones to
/// archive/<YYYY-MM-DD>/ (undated ids directly to archive/), config.md, prompts/ and templates/, byte
/// for byte. Only regular files below the directory are written: a ledger name that is not
/// plain (`..`, a `/`) stops it before anything is written, and a symbolic link in the
/// directory where it would write through it.
///
/// With `--format json|csv|markdown`: the live specs (with `--all`, archived ones too)
/// that pass the filters, with the fields of `--fields`, to stdout or `--out FILE`. A CSV
/// cell starting with `=`, `+`, `-` or `@` gets a leading `'` so a spreadsheet shows it
/// as text instead of running it; markdown escapes the specs' text.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  git chant export                                  into ./.chant\n  git chant export /tmp/chant                       anywhere\n  git chant export --format csv --out specs.csv\n  git chant export --format json --status completed --fields id,title,completed_at\n  git chant export --format markdown --label bug --fields all"
)]
pub struct ExportArgs {
    /// The directory to write (`--format chant`; `.chant` when not given).
    dir: Option<PathBuf>,
    /// What to write.
    #[arg(long, value_enum, default_value = "chant")]
    format: Format,
    /// The fields, comma-separated, or `all` [default: id,title,status,type,created_at,completed_at,labels,commit].
    #[arg(long, value_name = "A,B|all", value_parser = fields)]
    fields: Option<Fields>,
    /// Only these statuses, or the computed `ready`/`blocked`; repeatable.
    #[arg(long, value_name = "STATUS", value_parser = PossibleValuesParser::new(query::status_values()))]
    status: Vec<String>,
    /// Only specs with any of these labels; repeatable.
    #[arg(long)]
    label: Vec<String>,
    /// Only this type.
    #[arg(long = "type", value_name = "TYPE", value_parser = PossibleValuesParser::new(crate::spec::TYPES))]
    kind: Option<String>,
    /// Archived specs as well as live ones.
    #[arg(long)]
    all: bool,
    /// Write to this file instead of stdout.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The counts as JSON (`--format chant`).
    #[arg(long)]
    json: bool,
}

/// The fields `--fields` named, checked when the command line is read.
#[derive(Debug, Clone)]
struct Fields(Vec<&'static str>);

fn fields(text: &str) -> Result<Fields, String> {
    formats::parse_fields(text).map(Fields)
}

pub fn run(ctx: &Ctx, args: ExportArgs) -> Result<Exit, Error> {
    if args.format == Format::Chant {
        return chant(ctx, &args);
    }
    if let Some(dir) = &args.dir {
        ctx.ui.err(&format!(
            "error: a directory ({}) is for --format chant; write --format {} to a file with --out FILE\n",
            dir.display(),
            args.format
                .to_possible_value()
                .map(|v| v.get_name().to_owned())
                .unwrap_or_default()
        ));
        return Ok(Exit::Usage);
    }
    let (store, index) = ctx.index()?;
    let filter = Filter {
        statuses: args.status.clone(),
        labels: args.label.clone(),
        kind: args.kind.clone(),
        scope: if args.all { Scope::All } else { Scope::Live },
    };
    let rows = query::select(&index, &filter);
    let fields = args
        .fields
        .clone()
        .map_or_else(|| DEFAULT_FIELDS.to_vec(), |f| f.0);
    let records = formats::records(store, &rows, &fields)?;
    let bytes = match args.format {
        Format::Json => {
            let value = formats::to_json(&records, &crate::clock::now());
            let text = serde_json::to_string_pretty(&value).map_err(|e| Error::Write {
                path: "<json>".into(),
                source: e.into(),
            })?;
            format!("{text}\n").into_bytes()
        }
        Format::Csv => formats::to_csv(&records, &fields).map_err(|e| Error::Write {
            path: "<csv>".into(),
            source: std::io::Error::other(e),
        })?,
        _ => formats::to_markdown(&records).into_bytes(),
    };
    match &args.out {
        // The file gets exactly what was exported.
        Some(path) => std::fs::write(path, &bytes).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?,
        // A terminal gets it with control characters escaped (the text is the ledger's).
        None => ctx.ui.text(&String::from_utf8_lossy(&bytes))?,
    }
    Ok(Exit::Ok)
}

/// Upstream's layout under the directory, as `export` always wrote it.
fn chant(ctx: &Ctx, args: &ExportArgs) -> Result<Exit, Error> {
    let data_only = args.fields.is_some()
        || !args.status.is_empty()
        || !args.label.is_empty()
        || args.kind.is_some()
        || args.all
        || args.out.is_some();
    if data_only {
        ctx.ui.err("error: --fields, --status, --label, --type, --all and --out are for --format json, csv or markdown; --format chant writes the whole ledger\n");
        return Ok(Exit::Usage);
    }
    let store = ctx.store()?;
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from(".chant"));
    let counts = export::export(store, &dir)?;
    if args.json {
        ctx.ui.json(&counts)?;
    } else {
        let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
        ctx.ui.line(&format!(
            "wrote {} into {}",
            parts.join(", "),
            dir.display()
        ))?;
    }
    Ok(Exit::Ok)
}
