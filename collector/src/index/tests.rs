use super::*;

async fn page(index: &Index, filter: ListFilter) -> ListPage {
    index.list(&filter).await.unwrap()
}

async fn memory() -> Index {
    Index::open(&IndexConfig::Memory).await.unwrap()
}

fn batch(id: &str, seq: u64, t: (i64, i64), href: Option<&str>, user: Option<&str>) -> BatchInfo {
    BatchInfo {
        session_id: id.into(),
        seq,
        n_events: 10,
        start_time: Some(t.0),
        end_time: Some(t.1),
        first_href: href.map(String::from),
        distinct_id: user.map(String::from),
        n_errors: 1,
        app_id: Some("shop".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn batches_are_counted_once_in_any_order() {
    let index = memory().await;
    assert_eq!(index.ensure("s", 1_000).await.unwrap(), "1970/01/01");
    assert_eq!(index.ensure("t", 1_795_248_208_007).await.unwrap(), "2026/11/21");
    assert_eq!(index.ensure("s", 1_795_248_208_007).await.unwrap(), "1970/01/01", "the day is fixed");
    assert!(index.record_batch(&batch("s", 2, (300, 400), Some("https://a/2"), Some("u2")), 100, 2_000).await.unwrap());
    assert!(index.record_batch(&batch("s", 0, (100, 200), Some("https://a/0"), Some("u0")), 100, 3_000).await.unwrap());
    assert!(!index.record_batch(&batch("s", 0, (100, 200), None, None), 100, 4_000).await.unwrap());
    let r = index.get("s").await.unwrap().unwrap();
    assert_eq!((r.n_batches, r.n_events, r.n_errors, r.bytes, r.max_seq), (2, 20, 2, 200, Some(2)));
    assert_eq!(r.view().missing_batches, 1);
    assert!(index.record_batch(&batch("s", 1, (200, 300), None, None), 100, 5_000).await.unwrap());
    let r = index.get("s").await.unwrap().unwrap();
    assert_eq!(r.view().missing_batches, 0);
    assert_eq!((r.start_time, r.end_time, r.last_received_at), (Some(100), Some(400), 5_000));
    assert_eq!(r.entry_url.as_deref(), Some("https://a/0"));
    assert_eq!(r.distinct_id.as_deref(), Some("u2"));
    let q = |text: &str| ListFilter { text: Some(text.into()), limit: 10, ..Default::default() };
    assert_eq!(page(&index, q("U2")).await.sessions.len(), 1, "the writer's user id is searchable");
    assert_eq!(page(&index, q("u0")).await.sessions.len(), 0, "an older batch's user id is not the session's");
    assert_eq!(r.app_id.as_deref(), Some("shop"));
    assert_eq!(index.seqs("s").await.unwrap(), [0, 1, 2]);
    let view = serde_json::to_value(r.view()).unwrap();
    assert_eq!(view["duration_s"], 0.3);
    assert_eq!(view["analysis_pending"], true);
    assert!(view.get("day").is_none());
}

#[tokio::test]
async fn analyses_only_move_forward() {
    let index = memory().await;
    index.ensure("s", 1_000).await.unwrap();
    index.record_batch(&batch("s", 0, (100, 200), None, None), 10, 2_000).await.unwrap();
    index.record_batch(&batch("s", 1, (200, 300), None, None), 10, 2_000).await.unwrap();
    assert_eq!(index.to_analyse(2_000, 10).await.unwrap(), ["s"]);
    assert!(index.to_analyse(1_999, 10).await.unwrap().is_empty(), "not idle yet");
    let row = |n| AnalysisRow {
        n_rage_clicks: Some(n),
        n_pages: Some(1),
        pages: vec![("https://a/cart".into(), Some("Cart".into()))],
        ..Default::default()
    };
    assert!(index.record_analysis("s", 2, &row(3), 5_000).await.unwrap());
    assert!(!index.record_analysis("s", 1, &row(1), 6_000).await.unwrap(), "an older analysis loses");
    let r = index.get("s").await.unwrap().unwrap();
    assert_eq!((r.analysis.n_rage_clicks, r.analysed_batches, r.analysis_pending()), (Some(3), 2, false));
    assert!(index.to_analyse(i64::MAX, 10).await.unwrap().is_empty());
    let base = ListFilter { limit: 10, ..Default::default() };
    assert_eq!(
        page(&index, ListFilter { text: Some("cart".into()), ..base.clone() }).await.sessions.len(),
        1,
        "titles and URLs"
    );
    assert_eq!(page(&index, ListFilter { text: Some("CART".into()), ..base.clone() }).await.sessions.len(), 1);
    assert_eq!(page(&index, ListFilter { has: vec![Signal::Rage], ..base.clone() }).await.sessions.len(), 1);
    assert_eq!(page(&index, ListFilter { has: vec![Signal::Dead], ..base.clone() }).await.sessions.len(), 0);
    assert_eq!(page(&index, ListFilter { min_rage_clicks: 4, ..base.clone() }).await.sessions.len(), 0);
    index.delete("s").await.unwrap();
    assert!(index.get("s").await.unwrap().is_none());
    assert!(index.seqs("s").await.unwrap().is_empty());
}

#[tokio::test]
async fn listing_filters_and_pages() {
    let index = memory().await;
    for i in 0..7i64 {
        let id = format!("s{i}");
        index.ensure(&id, 1_000).await.unwrap();
        let href = if i % 2 == 0 { "https://shop.example/checkout?step=1" } else { "https://shop.example/" };
        let user = if i < 3 { Some("ann") } else { None };
        let mut b = batch(&id, 0, (10_000 + i * 1_000, 10_500 + i * 1_000 + i * 100), Some(href), user);
        b.n_errors = (i % 3) as u64;
        b.app_id = Some(if i == 6 { "blog" } else { "shop" }.into());
        index.record_batch(&b, 10, 2_000).await.unwrap();
    }
    index.ensure("empty", 1_000).await.unwrap(); // no batch yet: never listed
    let ids = |page: &ListPage| page.sessions.iter().map(|s| s.session_id.clone()).collect::<Vec<_>>();
    let base = ListFilter { limit: 3, ..Default::default() };
    let first = page(&index, base.clone()).await;
    assert_eq!((ids(&first), first.total, first.total_capped), (vec!["s6".into(), "s5".into(), "s4".into()], 7, false));
    let cursor = Cursor::decode(first.next_cursor.as_deref().unwrap()).unwrap();
    let second = page(&index, ListFilter { cursor: Some(cursor), ..base.clone() }).await;
    assert_eq!(ids(&second), ["s3", "s2", "s1"]);
    let by_offset = page(&index, ListFilter { offset: 3, ..base.clone() }).await;
    assert_eq!(ids(&by_offset), ids(&second));
    let all = ListFilter { limit: 100, ..Default::default() };
    assert_eq!(ids(&page(&index, ListFilter { user: Some("ann".into()), ..all.clone() }).await), ["s2", "s1", "s0"]);
    assert_eq!(ids(&page(&index, ListFilter { app: Some("blog".into()), ..all.clone() }).await), ["s6"]);
    assert_eq!(
        ids(&page(&index, ListFilter { from_ms: Some(12_000), to_ms: Some(14_000), ..all.clone() }).await),
        ["s3", "s2"]
    );
    assert_eq!(
        ids(&page(&index, ListFilter { url_contains: Some("CHECKOUT".into()), ..all.clone() }).await),
        ["s6", "s4", "s2", "s0"]
    );
    let prefix = ListFilter { url_prefix: Some("https://shop.example/c".into()), ..all.clone() };
    assert_eq!(page(&index, prefix).await.total, 4);
    assert_eq!(
        page(&index, ListFilter { url_contains: Some("%".into()), ..all.clone() }).await.total,
        0,
        "% is literal"
    );
    assert_eq!(
        ids(&page(&index, ListFilter { has: vec![Signal::Errors], min_errors: 2, ..all.clone() }).await),
        ["s5", "s2"]
    );
    assert_eq!(page(&index, ListFilter { min_duration_ms: Some(1_000), ..all.clone() }).await.total, 2);
    assert!(Cursor::decode("12.a/b").is_none() && Cursor::decode("x.a").is_none());
}

#[test]
fn index_urls_parse() {
    let dir = Path::new("/data");
    assert_eq!(IndexConfig::parse(None, dir).unwrap(), IndexConfig::Sqlite("/data/index.sqlite".into()));
    assert_eq!(IndexConfig::parse(Some("sqlite:/x/i.db"), dir).unwrap(), IndexConfig::Sqlite("/x/i.db".into()));
    let pg = IndexConfig::parse(Some("postgres://u:secret@db:5432/rewind"), dir).unwrap();
    assert_eq!(pg.describe(), "postgres://db:5432/rewind", "the password is not shown");
    assert!(IndexConfig::parse(Some("mysql://x"), dir).unwrap_err().contains("--index"));
}

#[test]
fn gap_ranges() {
    assert_eq!(gaps([(3, 4), (6, 6), (9, 10)]), vec![[0, 2], [5, 5], [7, 8]]);
    assert!(gaps([(0, 5)]).is_empty());
}

#[test]
fn retention_end_is_capped_by_receipt() {
    let mut r = SessionRecord { last_received_at: 1_000, ..Default::default() };
    r.end_time = Some(9_999_999);
    assert_eq!(r.retention_end_ms(), 1_000);
    r.end_time = Some(500);
    assert_eq!(r.retention_end_ms(), 500);
}

/// Batches indexed at once share one transaction (group commit); the figures must equal those
/// of one batch at a time: lowest `seq` gives the entry page, highest the user, a resent `seq`
/// counts once. A group holding a batch of a deleted session falls back to one transaction
/// per batch, so only that batch fails.
#[tokio::test]
async fn a_group_counts_like_one_batch_at_a_time() {
    let index = memory().await;
    for id in ["a", "b"] {
        index.ensure(id, 1_000).await.unwrap();
    }
    let a = |seq: u64| {
        batch(
            "a",
            seq,
            (100 * seq as i64 + 100, 100 * seq as i64 + 150),
            Some(&format!("https://a/{seq}")),
            Some(&format!("u{seq}")),
        )
    };
    let batches = [a(3), a(1), batch("b", 0, (50, 60), None, None), a(2), a(4), a(2)];
    let answers = futures_util::future::join_all(batches.iter().map(|b| index.record_batch(b, 10, 2_000))).await;
    let answers: Vec<bool> = answers.into_iter().map(Result::unwrap).collect();
    assert_eq!(answers, [true, true, true, true, true, false], "the second seq 2 is a resend");
    let r = index.get("a").await.unwrap().unwrap();
    assert_eq!((r.n_batches, r.n_events, r.n_errors, r.bytes, r.max_seq), (4, 40, 4, 40, Some(4)));
    assert_eq!((r.start_time, r.end_time), (Some(200), Some(550)));
    assert_eq!((r.entry_url.as_deref(), r.distinct_id.as_deref()), (Some("https://a/1"), Some("u4")));
    assert_eq!(index.seqs("a").await.unwrap(), [1, 2, 3, 4]);
    assert_eq!(index.get("b").await.unwrap().unwrap().n_batches, 1);

    // Seq 0 has a lower seq: it becomes the entry page; "gone" has no row.
    let batches = [a(0), batch("gone", 0, (1, 2), None, None), a(4), batch("b", 1, (70, 80), None, None)];
    let answers = futures_util::future::join_all(batches.iter().map(|b| index.record_batch(b, 10, 3_000))).await;
    assert!(matches!(answers[1], Err(StoreError::NotFound { .. })), "{:?}", answers[1]);
    assert_eq!([&answers[0], &answers[2], &answers[3]].map(|a| *a.as_ref().unwrap()), [true, false, true]);
    let r = index.get("a").await.unwrap().unwrap();
    assert_eq!((r.n_batches, r.entry_url.as_deref(), r.distinct_id.as_deref()), (5, Some("https://a/0"), Some("u4")));
    assert_eq!(index.get("b").await.unwrap().unwrap().n_batches, 2);
    assert!(index.get("gone").await.unwrap().is_none());
    assert!(index.seqs("gone").await.unwrap().is_empty(), "nothing of the failed batch stays");
}

/// Page filters matching more than [`NARROW_PAGES`] page rows walk sessions in listing order
/// (broad), fewer collect them from the indexes (narrow); both give the same sessions, and a
/// broad filter's `total` is a lower bound counted over [`MAX_COUNT_SCAN`] sessions.
#[tokio::test]
async fn page_filters_narrow_and_broad() {
    let index = memory().await;
    let n = NARROW_PAGES as usize + 1_000;
    let seeded: Vec<Seeded> = (0..n)
        .map(|i| {
            let record = SessionRecord {
                session_id: format!("s{i:05}"),
                day: "2026/11/21".into(),
                start_time: Some(1_000 + i as i64),
                first_received_at: 1_000,
                last_received_at: 1_000,
                n_batches: 1,
                distinct_id: Some(if i % 1_000 == 995 { "VIP-Shopper".into() } else { format!("Member-{i}") }),
                ..Default::default()
            };
            let mut pages = vec![(format!("https://shop/checkout/{i}"), Some(format!("Checkout {i}")))];
            if i % 1_000 == 7 {
                pages.push(("https://shop/Cart%_x".into(), Some("Basket".into())));
            }
            (record, vec![0], pages)
        })
        .collect();
    assert_eq!(index.insert_records(&seeded).await.unwrap(), n);
    let list = |f: ListFilter| {
        let index = &index;
        async move {
            let p = index.list(&ListFilter { limit: 100, ..f }).await.unwrap();
            (p.sessions.iter().map(|s| s.session_id.clone()).collect::<Vec<_>>(), p.total, p.total_capped)
        }
    };
    // Narrow: 6 sessions have the cart page; `%` and `_` are literal, case is folded.
    let cart = list(ListFilter { url_contains: Some("cart%_".into()), ..Default::default() }).await;
    assert_eq!((cart.0.len(), cart.1, cart.2), (6, 6, false));
    assert_eq!(cart.0[0], "s05007", "newest first");
    assert_eq!(list(ListFilter { text: Some("basket".into()), ..Default::default() }).await.0, cart.0);
    assert_eq!(list(ListFilter { text: Some("ba".into()), ..Default::default() }).await.0, cart.0, "2 chars");
    // Narrow by prefix: 1, 10–19, 100–199, 1000–1999.
    let prefix = list(ListFilter { url_prefix: Some("https://shop/checkout/1".into()), ..Default::default() }).await;
    assert_eq!((prefix.1, prefix.2), (1_111, false));
    assert_eq!(prefix.0[0], "s01999");
    // Broad: every session; the page is the newest 100 and `total` a lower bound.
    let all = list(ListFilter { url_prefix: Some("https://shop/".into()), ..Default::default() }).await;
    assert_eq!((all.0.len(), all.1, all.2), (100, MAX_COUNT_SCAN, true));
    assert_eq!(all.0[0], format!("s{:05}", n - 1));
    let text = list(ListFilter { text: Some("checkout".into()), ..Default::default() }).await;
    assert_eq!(text, all);
    // Broad and another filter: only sessions with the cart page among them.
    let both =
        list(ListFilter { url_contains: Some("checkout".into()), text: Some("basket".into()), ..Default::default() })
            .await;
    assert_eq!((both.0, both.1, both.2), (cart.0, 6, false));
}

/// `q=` matches user ids as substrings, case folded, narrow (few user ids and sessions) and
/// broad (more than [`NARROW_TEXTS`] user ids), and leaves out sessions of other users.
#[tokio::test]
async fn text_matches_user_ids_narrow_and_broad() {
    let index = memory().await;
    let n = MAX_COUNT_SCAN as usize + 1_000;
    let seeded: Vec<Seeded> = (0..n)
        .map(|i| {
            let record = SessionRecord {
                session_id: format!("s{i:05}"),
                day: "2026/11/21".into(),
                start_time: Some(1_000 + i as i64),
                first_received_at: 1_000,
                last_received_at: 1_000,
                n_batches: 1,
                distinct_id: Some(if i % 1_000 == 995 { "VIP-Shopper".into() } else { format!("Member-{i}") }),
                ..Default::default()
            };
            (record, vec![0], vec![(format!("https://shop/p/{i}"), None)])
        })
        .collect();
    assert_eq!(index.insert_records(&seeded).await.unwrap(), n);
    let list = |q: &str| {
        let filter = ListFilter { text: Some(q.into()), limit: 100, ..Default::default() };
        let index = &index;
        async move {
            let p = index.list(&filter).await.unwrap();
            (p.sessions.iter().map(|s| s.session_id.clone()).collect::<Vec<_>>(), p.total, p.total_capped)
        }
    };
    let vip: Vec<String> = (0..6).rev().map(|k| format!("s0{k}995")).collect();
    let vip = (vip, 6, false);
    assert_eq!(list("vip-shop").await, vip, "narrow, one user id");
    assert_eq!(list("iP-sHOP").await, vip, "case folded");
    assert_eq!(list("ip").await, vip, "shorter than a trigram");
    assert_eq!(list("nobody").await, (vec![], 0, false));
    // Narrow, 111 user ids: Member-12, Member-120…129, Member-1200…1299.
    let twelve = list("member-12").await;
    assert_eq!((twelve.0.len(), twelve.1, twelve.2), (100, 111, false));
    assert_eq!(twelve.0[0], "s01299");
    // Broad, 1,110 user ids (Member-1, Member-10…19, …, Member-1000…1999 but not s01995's):
    // `total` counts among the newest MAX_COUNT_SCAN sessions (s05999…s01000), so it is capped.
    let ones = list("MEMBER-1").await;
    assert_eq!(ones.0.len(), 100);
    assert_eq!((ones.0[0].as_str(), ones.0[4].as_str(), ones.0[5].as_str()), ("s01999", "s01994", "s01993"));
    assert!(ones.0.iter().all(|id| id.starts_with("s01")), "{ones:?}");
    assert_eq!((ones.1, ones.2), (999, true));
}

/// A page filter matching a few URLs or titles merges their index walks in listing order: a
/// session on two matching pages is listed once, its pages follow its `sort_time` when a
/// later batch moves it (or an analysis adds pages), and cursor pages continue the walk.
#[tokio::test]
async fn walked_page_filters_follow_listing_order() {
    let index = memory().await;
    for i in 0..6i64 {
        let id = format!("w{i}");
        index.ensure(&id, 1_000).await.unwrap();
        let url = format!("https://shop.example/item/{}", i % 3);
        let b = batch(&id, 0, (10_000 + i * 1_000, 10_500 + i * 1_000), Some(&url), None);
        index.record_batch(&b, 10, 2_000).await.unwrap();
    }
    // Later batches with earlier events move w0 and w5 to the end of the listing, each with a
    // second matching page.
    for (id, start) in [("w0", 5_000), ("w5", 4_000)] {
        let b = batch(id, 1, (start, start + 100), Some("https://shop.example/item/1"), None);
        index.record_batch(&b, 10, 3_000).await.unwrap();
    }
    let analysis = AnalysisRow {
        pages: vec![("https://shop.example/help".into(), Some("Help desk".into()))],
        ..Default::default()
    };
    assert!(index.record_analysis("w3", 1, &analysis, 6_000).await.unwrap());
    let ids = |page: &ListPage| page.sessions.iter().map(|s| s.session_id.clone()).collect::<Vec<_>>();
    let listing = ids(&page(&index, ListFilter { limit: 100, ..Default::default() }).await);
    assert_eq!(listing, ["w4", "w3", "w2", "w1", "w0", "w5"]);
    let items = ListFilter { url_prefix: Some("https://shop.example/item/".into()), limit: 2, ..Default::default() };
    let mut walked = Vec::new();
    let mut cursor = None;
    loop {
        let p = page(&index, ListFilter { cursor: cursor.take(), ..items.clone() }).await;
        walked.extend(ids(&p));
        match p.next_cursor {
            Some(next) => cursor = Cursor::decode(&next),
            None => break,
        }
    }
    assert_eq!(walked, listing, "each session once, in listing order, across cursor pages");
    let first = page(&index, items.clone()).await;
    assert_eq!((first.total, first.total_capped), (6, false));
    let offset = page(&index, ListFilter { offset: 4, ..items }).await;
    assert_eq!(ids(&offset), ["w0", "w5"]);
    let one = page(&index, ListFilter { url_contains: Some("ITEM/1".into()), limit: 100, ..Default::default() }).await;
    assert_eq!((ids(&one), one.total), (vec!["w4".to_string(), "w1".into(), "w0".into(), "w5".into()], 4));
    let window = ListFilter {
        url_contains: Some("item/".into()),
        from_ms: Some(5_000),
        to_ms: Some(13_000),
        limit: 100,
        ..Default::default()
    };
    assert_eq!(ids(&page(&index, window).await), ["w2", "w1", "w0"]);
    let help = page(&index, ListFilter { text: Some("help DESK".into()), limit: 100, ..Default::default() }).await;
    assert_eq!((ids(&help), help.total), (vec!["w3".to_string()], 1), "a title from the analysis");
}

/// A full disk under the index answers 507 like a full batch directory: `db_error` keeps
/// ENOSPC findable through the driver's error and through a second wrapping.
#[test]
fn a_full_index_disk_is_recognised() {
    use crate::durable::is_disk_full;
    let full = super::db_error(sqlx::Error::Io(std::io::Error::from_raw_os_error(28)));
    assert!(is_disk_full(&full));
    assert!(is_disk_full(&super::db_error(full)), "wrapped again");
    assert!(!is_disk_full(&super::db_error(sqlx::Error::RowNotFound)));
    assert!(!is_disk_full(&super::db_error("no such table")));
}
