//! Markdown for people and LLMs: the friction report and the whole bundle report.
//!
//! Deterministic: no wall clock, replays in bundle order, times in UTC. Table cells have `|`
//! escaped and control characters replaced by spaces; evidence sits in code fences longer than
//! any backtick run inside.

use super::report::{BundleReport, FrictionGroup, FrictionReport, GroupSummary};
use crate::analyze::timeline;
use std::fmt::Write;

impl FrictionReport {
    /// For people and LLMs: see [`friction`].
    pub fn to_markdown(&self, top: usize) -> String {
        friction(self, top)
    }
}

impl BundleReport {
    /// For people and LLMs: see [`report`].
    pub fn to_markdown(&self, top: usize) -> String {
        report(self, top)
    }
}

/// Findings shown per friction group (the JSON has all of them).
pub const MAX_EXAMPLES_PER_GROUP: usize = 3;

/// The friction report: a sentence, then the `top` highest-ranked groups, each with a heading
/// (`### 1. Rage click: button "Apply coupon" on http://shop.test/cart`), its user, replay and
/// finding counts, and up to [`MAX_EXAMPLES_PER_GROUP`] findings with their explanation and
/// evidence (a timeline excerpt: seconds since the replay's first event, folded as the timeline
/// folds, ` (×N over S s)`).
pub fn friction(report: &FrictionReport, top: usize) -> String {
    let mut out = String::from("## Friction report\n\n");
    if report.groups.is_empty() {
        let _ = writeln!(out, "No friction found in {}.", plural(report.n_replays, "replay"));
        return out;
    }
    let _ = writeln!(
        out,
        "{} in {} from {}, ranked by users affected.",
        plural(report.groups.len(), "friction point"),
        plural(report.n_replays, "replay"),
        plural(report.n_users, "user")
    );
    for group in report.groups.iter().take(top) {
        out.push('\n');
        group_markdown(&mut out, group);
    }
    more(&mut out, report.groups.len(), top, "friction point");
    out
}

fn group_markdown(out: &mut String, g: &FrictionGroup) {
    let _ = write!(out, "### {}. {}", g.rank, g.kind.title());
    if let Some(element) = &g.element {
        let _ = write!(out, ": {}", one_line(element));
    }
    if let Some(url) = &g.url {
        let _ = write!(out, " on {}", one_line(url));
    }
    let _ = writeln!(
        out,
        "\n{} · {} · {}\n",
        plural(g.n_users, "user"),
        plural(g.n_replays, "replay"),
        plural(g.n_findings, "finding")
    );
    for f in g.findings.iter().take(MAX_EXAMPLES_PER_GROUP) {
        let user = f.distinct_id.as_deref().map(|u| format!(" (user {})", one_line(u))).unwrap_or_default();
        let _ =
            writeln!(out, "- `{}`{user} at {:.1}s: {}", one_line(&f.replay_id), f.offset_s, one_line(&f.explanation));
        let mut lines = String::new();
        for (first, count, span) in timeline::fold(&f.evidence, |e| e.t_ms, |e| &e.description) {
            let e = &f.evidence[first];
            let _ = writeln!(
                lines,
                "{:.1}s: {}{}",
                e.offset_s,
                one_line(&e.description),
                timeline::fold_suffix(count, span)
            );
        }
        if !lines.is_empty() {
            let fence = fence_for(&lines);
            let _ = write!(out, "  {fence}text\n{}  {fence}\n", indent(&lines));
        }
    }
    if g.findings.len() > MAX_EXAMPLES_PER_GROUP {
        let _ = writeln!(out, "- … {} more", plural(g.findings.len() - MAX_EXAMPLES_PER_GROUP, "finding"));
    }
}

/// The bundle report: totals, then sections for sessions, top clicks, rage clicks, dead
/// clicks, error sessions, long pauses, slow pages (only for bundles with web vitals) and the
/// friction report (`top` groups).
pub fn report(r: &BundleReport, top: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# rewind report: {}, {}\n", plural(r.n_replays, "replay"), plural(r.n_users, "user"));
    if let Some(warning) = crate::analyze::redaction_warning(r.redactions) {
        let _ = writeln!(out, "> {warning}\n");
    }

    out.push_str("## Sessions\n\n");
    if r.sessions.is_empty() {
        out.push_str("No replays.\n");
    } else {
        out.push_str("| replay | user | start (UTC) | duration | events | actions | clicks | inputs | pages | errors | custom | entry page |\n");
        out.push_str("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for s in &r.sessions {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                cell(&s.replay_id),
                s.distinct_id.as_deref().map_or("–".into(), cell),
                s.start_time.map_or("–".into(), format_utc),
                format_duration(s.duration_s),
                s.n_events,
                s.n_actions,
                s.n_clicks,
                s.n_inputs,
                s.n_pages,
                s.n_errors,
                s.n_custom,
                s.entry_url.as_deref().map_or("–".into(), cell),
            );
        }
    }

    out.push_str("\n## Top clicks\n\n");
    if r.top_clicks.is_empty() {
        out.push_str("No clicks.\n");
    } else {
        out.push_str("| # | element | page | clicks | replays |\n|---:|---|---|---:|---:|\n");
        for (i, e) in r.top_clicks.iter().enumerate() {
            let page = e.normalized_url.as_deref().map_or("–".into(), cell);
            let _ = writeln!(
                out,
                "| {} | {} | {page} | {} | {} |",
                i + 1,
                cell(&e.target_desc),
                e.n_clicks,
                e.n_unique_replays
            );
        }
    }

    summaries(&mut out, "Rage clicks", "bursts", "clicks", &r.rage_clicks, top);
    summaries(&mut out, "Dead clicks", "findings", "clicks", &r.dead_clicks, top);

    out.push_str("\n## Error sessions\n\n");
    if r.error_sessions.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str("| replay | user | errors | first error | at | page |\n|---|---|---:|---|---:|---|\n");
        for e in r.error_sessions.iter().take(top) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {:.1}s | {} |",
                cell(&e.replay_id),
                e.distinct_id.as_deref().map_or("–".into(), cell),
                e.n_errors,
                cell(&e.first_error),
                e.offset_s,
                e.url.as_deref().map_or("–".into(), cell),
            );
        }
        more(&mut out, r.error_sessions.len(), top, "error session");
    }

    out.push_str("\n## Long pauses\n\n");
    if r.long_pauses.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str("| replay | at | pause | before | after |\n|---|---:|---:|---|---|\n");
        for p in &r.long_pauses {
            let _ = writeln!(
                out,
                "| {} | {:.1}s | {} | {} | {} |",
                cell(&p.replay_id),
                p.offset_s,
                format_duration(p.duration_s),
                cell(&p.before),
                cell(&p.after)
            );
        }
    }

    if r.sessions.iter().any(|s| !s.page_vitals.is_empty()) {
        slow_pages(&mut out, &r.slow_pages, top);
    }

    out.push('\n');
    out.push_str(&friction(&r.friction, top));
    out
}

/// `## Slow pages`: pages with a poor web vital (web.dev's boundaries, [`crate::analyze::Vitals::poor`]),
/// the first `top`. Written only for bundles that carry web vitals (`capture.performance`).
fn slow_pages(out: &mut String, pages: &[crate::analyze::SlowPage], top: usize) {
    out.push_str("\n## Slow pages\n\n");
    if pages.is_empty() {
        out.push_str("None (no page with LCP > 4 s, INP > 500 ms or CLS > 0.25).\n");
        return;
    }
    out.push_str("| replay | page | poor | LCP ms | INP ms | CLS | long tasks |\n|---|---|---|---:|---:|---:|---:|\n");
    let num = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{}", (v * 1000.0).round() / 1000.0));
    for p in pages.iter().take(top) {
        let v = &p.page.vitals;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            cell(&p.replay_id),
            p.page.href.as_deref().map_or("–".into(), cell),
            cell(&p.poor.join(", ")),
            num(v.lcp_ms.map(f64::round)),
            num(v.inp_ms.map(f64::round)),
            num(v.cls),
            v.long_tasks.map_or("–".to_string(), |n| n.to_string()),
        );
    }
    more(out, pages.len(), top, "slow page");
}

fn summaries(out: &mut String, title: &str, findings: &str, total: &str, rows: &[GroupSummary], top: usize) {
    let _ = write!(out, "\n## {title}\n\n");
    if rows.is_empty() {
        out.push_str("None.\n");
        return;
    }
    let _ = writeln!(out, "| rank | element | page | users | replays | {findings} | {total} |");
    out.push_str("|---:|---|---|---:|---:|---:|---:|\n");
    for g in rows.iter().take(top) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            g.rank,
            g.element.as_deref().map_or("–".into(), cell),
            g.url.as_deref().map_or("–".into(), cell),
            g.n_users,
            g.n_replays,
            g.n_findings,
            g.total_count
        );
    }
    more(out, rows.len(), top, "element");
}

fn more(out: &mut String, len: usize, top: usize, noun: &str) {
    if len > top {
        let n = len - top;
        let _ = writeln!(out, "\n{n} more {noun}{} in the JSON report.", if n == 1 { "" } else { "s" });
    }
}

fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// Control characters (newlines included) as spaces.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// A table cell: one line, `|` escaped.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

fn indent(lines: &str) -> String {
    lines.lines().map(|l| format!("  {l}\n")).collect()
}

/// A code fence longer than any run of backticks in `text` (at least three).
fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Seconds as `12.3 s` under a minute, else `1m 23s` or `1h 02m 03s`.
pub fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "0.0 s".to_string();
    }
    if seconds < 59.95 {
        return format!("{seconds:.1} s");
    }
    let total = seconds.round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{h}h {m:02}m {s:02}s")
    } else {
        format!("{m}m {s:02}s")
    }
}

/// Unix epoch milliseconds as `YYYY-MM-DD HH:MM:SS` (UTC, proleptic Gregorian calendar).
pub fn format_utc(ms: i64) -> String {
    let rem = ms.div_euclid(1000).rem_euclid(86_400);
    let (year, month, day) = civil_date(ms);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}", rem / 3600, rem / 60 % 60, rem % 60)
}

/// The UTC calendar date `(year, month 1–12, day 1–31)` of Unix epoch milliseconds, in the
/// proleptic Gregorian calendar (Howard Hinnant's `civil_from_days`).
pub fn civil_date(ms: i64) -> (i64, i64, i64) {
    let days = ms.div_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates_and_durations() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00");
        assert_eq!(format_utc(1_700_000_000_000), "2023-11-14 22:13:20");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00:00");
        assert_eq!(format_utc(-1_000), "1969-12-31 23:59:59");
        assert_eq!(format_duration(83.0), "1m 23s");
        assert_eq!(format_duration(0.62), "0.6 s");
    }

    #[test]
    fn cells_and_fences_cannot_break_the_layout() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(fence_for("no ticks"), "```");
        assert_eq!(fence_for("has ```` four"), "`````");
    }
}
