//! Every scripted interaction of each recording in `fixtures/` (made by the real rrweb 2.1.1
//! in Chromium; steps listed in `fixtures/record/README.md`) appears in the timeline, in order,
//! with a recognisable description.

use std::path::PathBuf;

fn timeline(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(format!("{name}.json"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    rewind::analyze_bytes(&bytes).unwrap().summary_markdown
}

/// Asserts each expected fragment appears on its own line, in order (timestamps vary between
/// recordings, so lines are matched after their `N.Ns: ` prefix).
fn assert_in_order(name: &str, expected: &[&str]) {
    let text = timeline(name);
    let lines: Vec<&str> = text.lines().map(|l| l.split_once("s: ").map_or(l, |(_, rest)| rest)).collect();
    let mut at = 0;
    for want in expected {
        match lines[at..].iter().position(|l| l == want) {
            Some(found) => at += found + 1,
            None => panic!("{name}: missing (or out of order) {want:?}\ntimeline:\n{text}"),
        }
    }
}

#[test]
fn login_form() {
    assert_in_order(
        "login-form",
        &[
            "Navigated to http://shop.rewind.test/login",
            r#"Clicked div "Get 20% off your first order – click for details""#,
            r#"Clicked input "Email address" type=email"#,
            // Typed in clear (rrweb masks only passwords by default); outputs are redacted.
            r#"Typed "[REDACTED:email]" into input "Email address" type=email"#,
            r#"Clicked input "Password" type=password"#,
            // rrweb masks password values itself, even with maskAllInputs off.
            r#"Typed "***************" into input "Password" type=password"#,
            r#"Clicked input "Credit card number" type=text"#,
            r#"Typed "[REDACTED:card]" into input "Credit card number" type=text"#,
            r#"Checked input "Remember me" type=checkbox"#,
            r#"Clicked span in button "Sign in""#,
            r#"Clicked svg in button "Close dialog""#,
        ],
    );
}

#[test]
fn scroll_select() {
    assert_in_order(
        "scroll-select",
        &[
            "Navigated to http://shop.rewind.test/articles/standard-time",
            "Scrolled page to y=750",
            "Scrolled page to y=950",
            r#"Selected text "Servers in different data centres must agree on what happene…" in p "Today the same problem returns whenever machines talk to eac…""#,
            r#"Scrolled div "Editor's notes" to y=300"#,
        ],
    );
}

#[test]
fn spa_navigation() {
    assert_in_order(
        "spa-navigation",
        &[
            "Navigated to http://shop.rewind.test/app",
            r#"Clicked a "Settings" to /app/settings"#,
            r#"Clicked a "Jump to notifications" to /app/settings#notifications"#,
            r#"Clicked path in button "Save changes""#,
            r#"Clicked a "Billing" to /app/billing"#,
            r#"Clicked button "← Back""#,
            r#"Clicked img in a "Company logo" to /"#,
        ],
    );
}

#[test]
fn console_error() {
    assert_in_order(
        "console-error",
        &[
            r#"Clicked button "Load data""#,
            r#"Console error: Failed to load data {"code":500}"#,
            r#"Clicked button "Use legacy export""#,
            r#"Clicked button "Refresh widgets""#,
            "Console error: Uncaught TypeError: Cannot read properties of undefined (reading 'items')",
        ],
    );
}

#[test]
fn dead_button() {
    assert_in_order(
        "dead-button",
        &[
            r#"Clicked button "Apply coupon" (×5)"#,
            r#"Double-clicked h2 "Trail running shoes""#,
            r#"Right-clicked div "Trail running shoes""#,
        ],
    );
}

#[test]
fn checkout_dynamic() {
    assert_in_order(
        "checkout-dynamic",
        &[
            r#"Chose "de" in select "Country""#,
            r#"Checked input "Express (next day)" type=radio"#,
            r#"Typed "Please leave it at the door" into textarea "Delivery notes""#,
            r#"Clicked button "Add item" (×3)"#,
            r#"Clicked button "Remove item""#,
            r#"Clicked button "Gift wrap""#,
        ],
    );
}

#[test]
fn touch() {
    assert_in_order(
        "touch",
        &[
            r#"Touched button "Open menu""#,
            r#"Touched a "Pricing" to /m/plans#pricing"#,
            r#"Touched button "Start free trial""#,
            r#"Touched button "Accept""#,
        ],
    );
}

#[test]
fn every_shared_rrweb_test_recording_analyses() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/rrweb-fixtures");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".json") || name == "index.json" {
            continue;
        }
        let analysis = rewind::analyze_bytes(&std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(analysis.session.n_events > 0, "{name}");
        // No recording in the set lasts more than a minute (one has a corrupt clock value,
        // which decoding repairs and reports).
        assert!(analysis.session.duration_s < 60.0, "{name}: {}", analysis.session.duration_s);
        n += 1;
    }
    assert_eq!(n, 26);
}
