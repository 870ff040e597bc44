//! Rendering analyses as markdown, JSON or CSV, to stdout or into an output directory.
//!
//! Everything here is deterministic: no wall-clock times, no absolute paths, replays in input
//! order.

use crate::io_reason;
use clap::ValueEnum;
pub use rewind::analyze::bundle::markdown::format_duration;
use rewind::analyze::Analysis;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Output formats of `rewind analyze`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A totals table, then per replay a header line and its timeline.
    Markdown,
    /// `{"replays":[...]}`: each replay as the core library serializes it.
    Json,
    /// One row per action: replay_id,t_ms,action,target_node_id,target_desc,description,url,metadata.
    Csv,
}

/// Column names of the CSV output, in order.
pub const CSV_HEADER: [&str; 8] =
    ["replay_id", "t_ms", "action", "target_node_id", "target_desc", "description", "url", "metadata"];

/// Longest file name stem (in bytes) derived from a replay id for `--out` markdown files.
const MAX_FILE_STEM_BYTES: usize = 100;

/// Prints all replays in `format` to stdout. A closed pipe (`| head`) is not an error.
pub fn print(analyses: &[Analysis], format: Format) -> Result<(), String> {
    let text = match format {
        Format::Markdown => markdown(analyses),
        Format::Json => json(analyses),
        Format::Csv => csv(analyses)?,
    };
    print_text(&text)
}

/// Prints `text` to stdout. A closed pipe (`| head`) is not an error.
pub fn print_text(text: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("stdout: {}", io_reason(&e))),
        _ => Ok(()),
    }
}

/// Writes the replays into `dir` (created if missing): one `{replay_id}.md` per replay for
/// markdown, `analysis.json` for json, `actions.csv` for csv. Names each file on stderr.
pub fn write_files(analyses: &[Analysis], format: Format, dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {}", dir.display(), io_reason(&e)))?;
    let files: Vec<(String, String)> = match format {
        Format::Markdown => {
            let mut taken = HashSet::new();
            analyses
                .iter()
                .map(|a| (unique_file_name(&a.session.replay_id, "md", &mut taken), replay_markdown(a, "#")))
                .collect()
        }
        Format::Json => vec![("analysis.json".to_string(), json(analyses))],
        Format::Csv => vec![("actions.csv".to_string(), csv(analyses)?)],
    };
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {}", path.display(), io_reason(&e)))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// The markdown report: a totals table, then each replay under a `##` heading.
pub fn markdown(analyses: &[Analysis]) -> String {
    let n = analyses.len();
    let sum = |f: &dyn Fn(&Analysis) -> usize| analyses.iter().map(f).sum::<usize>();
    let duration: f64 = analyses.iter().map(|a| a.session.duration_s).sum();
    let mut out = String::new();
    let _ = writeln!(out, "# rewind analysis: {n} replay{}\n", if n == 1 { "" } else { "s" });
    out.push_str("| replays | events | actions | clicks | inputs | pages | errors | duration |\n");
    out.push_str("|---|---|---|---|---|---|---|---|\n");
    let _ = writeln!(
        out,
        "| {n} | {} | {} | {} | {} | {} | {} | {} |",
        sum(&|a| a.session.n_events),
        sum(&|a| a.session.n_actions),
        sum(&|a| a.session.n_clicks),
        sum(&|a| a.session.n_inputs),
        sum(&|a| a.session.n_pages),
        sum(&|a| a.session.n_errors),
        format_duration(duration),
    );
    for analysis in analyses {
        out.push('\n');
        out.push_str(&replay_markdown(analysis, "##"));
    }
    out
}

/// One replay: a heading, a one-line summary, the core's timeline verbatim, then warnings.
pub fn replay_markdown(analysis: &Analysis, heading: &str) -> String {
    let s = &analysis.session;
    let mut facts = Vec::new();
    if let Some(user) = &s.distinct_id {
        facts.push(format!("user: {}", one_line(user)));
    }
    facts.push(format_duration(s.duration_s));
    facts.push(count(s.n_events, "event"));
    facts.push(count(s.n_actions, "action"));
    if let Some(entry) = &s.entry_url {
        facts.push(format!("entry {}", one_line(entry)));
    }
    if let Some(exit) = s.exit_url.as_ref().filter(|exit| Some(*exit) != s.entry_url.as_ref()) {
        facts.push(format!("exit {}", one_line(exit)));
    }
    let mut out = format!("{heading} {}\n{}\n\n", one_line(&s.replay_id), facts.join(" · "));
    out.push_str(&analysis.summary_markdown);
    if !analysis.summary_markdown.ends_with('\n') {
        out.push('\n');
    }
    if !analysis.warnings.is_empty() {
        out.push('\n');
        for warning in &analysis.warnings {
            let _ = writeln!(out, "> warning: {}", one_line(warning));
        }
    }
    out
}

/// `{"replays":[...]}` plus a newline: the core's per-replay JSON joined as is, so key order
/// is exactly what the core emits.
pub fn json(analyses: &[Analysis]) -> String {
    // One buffer, each replay serialized straight into it.
    let mut out = b"{\"replays\":[".to_vec();
    for (i, analysis) in analyses.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        analysis.write_replay_json(&mut out);
    }
    out.extend_from_slice(b"]}\n");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// The actions table as CSV, with [`CSV_HEADER`]. Empty cells for absent values; metadata as
/// compact JSON.
pub fn csv(analyses: &[Analysis]) -> Result<String, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| format!("csv: {e}");
    writer.write_record(CSV_HEADER).map_err(err)?;
    for analysis in analyses {
        let replay_id = analysis.session.replay_id.as_str();
        for a in &analysis.actions {
            let metadata = serde_json::to_string(&a.metadata).map_err(|e| format!("csv: {e}"))?;
            writer
                .write_record([
                    replay_id,
                    &a.t_ms.to_string(),
                    a.action.as_str(),
                    &a.target_node_id.map(|id| id.to_string()).unwrap_or_default(),
                    a.target_desc.as_deref().unwrap_or(""),
                    &a.description,
                    a.url.as_deref().unwrap_or(""),
                    &metadata,
                ])
                .map_err(err)?;
        }
    }
    let bytes = writer.into_inner().map_err(|e| format!("csv: {}", e.error()))?;
    String::from_utf8(bytes).map_err(|e| format!("csv: {e}"))
}

fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// Control characters (newlines included) as spaces, so a value cannot break the layout.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A safe, unique file name for a replay id: ASCII letters, digits, `-`, `_` and `.` kept,
/// anything else `_`, no leading dot, at most [`MAX_FILE_STEM_BYTES`]; `-2`, `-3`… appended
/// when two replays would share a name (compared case-insensitively).
pub fn unique_file_name(replay_id: &str, ext: &str, taken: &mut HashSet<String>) -> String {
    let mut stem: String = replay_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    stem = stem.trim_start_matches('.').to_string();
    stem.truncate(MAX_FILE_STEM_BYTES);
    if stem.is_empty() {
        stem = "replay".to_string();
    }
    let mut name = format!("{stem}.{ext}");
    let mut n = 2;
    while !taken.insert(name.to_ascii_lowercase()) {
        name = format!("{stem}-{n}.{ext}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(format_duration(0.0), "0.0 s");
        assert_eq!(format_duration(12.34), "12.3 s");
        assert_eq!(format_duration(59.96), "1m 00s");
        assert_eq!(format_duration(83.0), "1m 23s");
        assert_eq!(format_duration(3723.0), "1h 02m 03s");
        assert_eq!(format_duration(f64::NAN), "0.0 s");
    }

    #[test]
    fn file_names() {
        let mut taken = HashSet::new();
        assert_eq!(unique_file_name("login-form", "md", &mut taken), "login-form.md");
        assert_eq!(unique_file_name("Login-Form", "md", &mut taken), "Login-Form-2.md");
        assert_eq!(unique_file_name("../../etc/passwd", "md", &mut taken), "_.._etc_passwd.md");
        assert_eq!(unique_file_name("..", "md", &mut taken), "replay.md");
        assert_eq!(unique_file_name("a b/c\u{e9}", "md", &mut taken), "a_b_c_.md");
    }
}
