//! The session filter every multi-session tool takes, turned into the read API's
//! [`ListFilter`] by the read API's own parser ([`crate::read::list_filter`]), so a filter
//! means the same here as in `GET /v1/sessions` and is refused for the same reasons.

use crate::index::{ListFilter, Signal};
use chrono::{DateTime, NaiveDate};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::HashMap;

/// Which sessions: every condition given must hold; none given means every session.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SessionFilter {
    /// Exactly this user id (the `distinct_id` the app passed to identify()).
    pub user: Option<String>,
    /// Sessions that started at or after this time: an ISO 8601 date (`2026-12-01`, midnight
    /// UTC) or date-time with an offset (`2026-12-01T09:30:00Z`).
    pub from: Option<String>,
    /// Sessions that started before this time, as `from`; a date alone means the end of that
    /// day (UTC), so `from` and `to` set to the same date select that day.
    pub to: Option<String>,
    /// A page the session visited has a URL containing this text (case-insensitive), e.g.
    /// `/checkout`.
    pub url: Option<String>,
    /// Signals the session must all have.
    pub has: Option<Vec<Signal>>,
    /// Sessions at least this long, in seconds (first to last event).
    pub min_duration_s: Option<f64>,
    /// Free text (case-insensitive) found in a visited page's URL or title or in the user id
    /// (`user` matches the user id exactly).
    pub query: Option<String>,
}

/// A time bound in Unix epoch milliseconds: a date-time with its offset, or a date at midnight
/// UTC (the next midnight when `end_of_day`, for an inclusive `to`).
fn epoch_ms(name: &str, text: &str, end_of_day: bool) -> Result<i64, String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp_millis());
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        format!("`{name}` must be an ISO 8601 date (2026-12-01) or date-time (2026-12-01T09:30:00Z), not {text:?}")
    })?;
    let date = if end_of_day { date.succ_opt().unwrap_or(date) } else { date };
    Ok(date.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp_millis()))
}

impl SessionFilter {
    /// The read API's filter for one page of `limit` sessions after `cursor` (a `next_cursor`
    /// of the index).
    ///
    /// # Errors
    /// One line naming the field: a bad date, a negative duration, text longer than the read
    /// API takes ([`crate::read::MAX_FILTER_BYTES`]), a cursor that is not the index's.
    pub fn to_list_filter(&self, limit: usize, cursor: Option<&str>) -> Result<ListFilter, String> {
        let mut params: HashMap<String, String> = HashMap::new();
        let mut set = |key: &str, value: Option<String>| {
            if let Some(v) = value {
                params.insert(key.to_string(), v);
            }
        };
        set("user", self.user.clone());
        set("url", self.url.clone());
        set("q", self.query.clone());
        set("from", self.from.as_deref().map(|t| epoch_ms("from", t, false)).transpose()?.map(|v| v.to_string()));
        set("to", self.to.as_deref().map(|t| epoch_ms("to", t, !t.contains('T'))).transpose()?.map(|v| v.to_string()));
        if let Some(s) = self.min_duration_s {
            if !s.is_finite() || s < 0.0 {
                return Err("`min_duration_s` must be a number of seconds, 0 or more".into());
            }
            set("min_duration_ms", Some(((s * 1000.0).round() as u64).to_string()));
        }
        if let Some(has) = self.has.as_ref().filter(|h| !h.is_empty()) {
            set("has", Some(has.iter().map(|h| h.name()).collect::<Vec<_>>().join(",")));
        }
        set("limit", Some(limit.to_string()));
        set("cursor", cursor.map(str::to_string));
        // The read API names its query parameters; name this filter's fields instead.
        crate::read::list_filter(&params).map_err(|e| e.message.replace("`q`", "`query`"))
    }
}

/// The arguments of the tools over one filter (`search_sessions`, `get_friction_report`): which
/// sessions, and one page of the answer.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FilterPage {
    /// Which sessions (all when left out).
    #[serde(default)]
    pub filter: SessionFilter,
    /// Rows per page, at least 1; the tool's description gives its default and maximum.
    pub limit: Option<u32>,
    /// The `cursor` of a previous page, to continue after it (with the same filter).
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_fields_map_to_the_read_apis_filter() {
        let filter = SessionFilter {
            user: Some("u-1".into()),
            from: Some("2026-12-01".into()),
            to: Some("2026-12-01".into()),
            url: Some("/checkout".into()),
            has: Some(vec![Signal::Rage, Signal::Errors]),
            min_duration_s: Some(2.5),
            query: Some("Pay".into()),
        };
        let list = filter.to_list_filter(20, None).unwrap();
        assert_eq!(list.user.as_deref(), Some("u-1"));
        assert_eq!(list.from_ms, Some(1_796_083_200_000));
        assert_eq!(list.to_ms, Some(1_796_083_200_000 + 86_400_000));
        assert_eq!(list.url_contains.as_deref(), Some("/checkout"));
        assert_eq!(list.has, [Signal::Rage, Signal::Errors]);
        assert_eq!(list.min_duration_ms, Some(2_500));
        assert_eq!(list.text.as_deref(), Some("Pay"));
        assert_eq!(list.limit, 20);
        let exact = SessionFilter { to: Some("2026-12-01T09:30:00+01:00".into()), ..Default::default() };
        assert_eq!(exact.to_list_filter(1, None).unwrap().to_ms, Some(1_796_083_200_000 + 8 * 3_600_000 + 30 * 60_000));
    }

    #[test]
    fn bad_values_are_refused_with_the_field_named() {
        let bad_date = SessionFilter { from: Some("yesterday".into()), ..Default::default() };
        assert!(bad_date.to_list_filter(1, None).unwrap_err().contains("`from`"));
        let negative = SessionFilter { min_duration_s: Some(-1.0), ..Default::default() };
        assert!(negative.to_list_filter(1, None).unwrap_err().contains("min_duration_s"));
        let long = SessionFilter { query: Some("x".repeat(crate::read::MAX_FILTER_BYTES + 1)), ..Default::default() };
        assert!(long.to_list_filter(1, None).unwrap_err().contains("`query`"));
        assert!(SessionFilter::default().to_list_filter(1, Some("nope")).unwrap_err().contains("cursor"));
    }
}
