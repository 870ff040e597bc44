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
            // rrweb masks password values itself, even with maskAllInputs off; the analyzer
            // counts masked characters and never shows them.
            r#"Typed 15 masked characters into input "Password" type=password"#,
            r#"Clicked input "Credit card number" type=text"#,
            r#"Typed "[REDACTED:card]" into input "Credit card number" type=text"#,
            r#"Checked input "Remember me" type=checkbox"#,
            r#"Clicked span in button "Sign in" → showed "Signing in…""#,
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
            r#"Clicked a "Settings" to /app/settings → navigated to /app/settings"#,
            r#"Navigated to http://shop.rewind.test/app/settings "Settings – Acme App" (inferred)"#,
            r#"Clicked a "Jump to notifications" to /app/settings#notifications"#,
            r#"Clicked path in button "Save changes" → showed "Changes saved""#,
            r#"Clicked a "Billing" to /app/billing → navigated to /app/billing"#,
            r#"Navigated to http://shop.rewind.test/app/billing "Billing – Acme App" (inferred)"#,
            r#"Clicked button "← Back" → navigated to /app/settings"#,
            r#"Navigated to http://shop.rewind.test/app/settings "Settings – Acme App" (inferred)"#,
            r#"Clicked img in a "Company logo" to / → navigated to /"#,
            r#"Navigated to http://shop.rewind.test/ "Home – Acme App" (inferred)"#,
        ],
    );
}

#[test]
fn console_error() {
    assert_in_order(
        "console-error",
        &[
            r#"Clicked button "Load data" → showed "Could not load the report. Try again later.""#,
            r#"Console error: Failed to load data {"code":500}"#,
            r#"Clicked button "Use legacy export" → nothing visible happened"#,
            r#"Clicked button "Refresh widgets" → nothing visible happened"#,
            "Console error: Uncaught TypeError: Cannot read properties of undefined (reading 'items')",
        ],
    );
}

#[test]
fn dead_button() {
    assert_in_order(
        "dead-button",
        &[
            r#"Rage-clicked button "Apply coupon" 5× in 0.6 s"#,
            r#"Selected text "running" in h2 "Trail running shoes""#,
            r#"Right-clicked div "Trail running shoes""#,
        ],
    );
}

#[test]
fn checkout_dynamic() {
    assert_in_order(
        "checkout-dynamic",
        &[
            r#"Chose "Germany" in select "Country""#,
            r#"Checked input "Express (next day)" type=radio"#,
            r#"Typed "Please leave it at the door" into textarea "Delivery notes""#,
            r#"Clicked button "Add item" → showed "Trail running shoes ×""#,
            r#"Clicked button "Add item" → showed "Merino socks ×""#,
            r#"Clicked button "Add item" → showed "Water bottle ×""#,
            r#"Clicked button "Remove item""#,
            r#"Clicked button "Gift wrap""#,
        ],
    );
}

#[test]
fn todo_entries() {
    assert_in_order(
        "todo-entries",
        &[
            r#"Clicked input "New todo" type=text"#,
            r#"Typed "Buy milk" into input "New todo" type=text"#,
            // Enter submits through a synthetic click on the form's default button.
            r#"Clicked button "Add" → showed "Buy milk""#,
            r#"Typed "Walk the dog" into input "New todo" type=text"#,
            r#"Clicked button "Add" → showed "Walk the dog""#,
            r#"Clicked input "New todo" type=text"#,
            r#"Typed "Call the plumber" into input "New todo" type=text"#,
            r#"Clicked button "Add" → showed "Call the plumber""#,
            r#"Typed "Pay rent" into input "New todo" type=text"#,
            r#"Clicked button "Add" → showed "Pay rent""#,
        ],
    );
    assert!(!timeline("todo-entries").contains("Cleared"), "the app's clears are not actions");
}

#[test]
fn checklist_rerender() {
    // Three ticks, each one line; the 32 re-render Input events that change nothing are gone.
    let text = timeline("checklist-rerender");
    assert_eq!(
        text.lines().skip(1).map(|l| l.split_once("s: ").unwrap().1).collect::<Vec<_>>(),
        [
            r#"Checked input "Passport" type=checkbox"#,
            r#"Checked input "Sunscreen" type=checkbox"#,
            r#"Checked input "Rain jacket" type=checkbox"#,
        ],
        "{text}"
    );
}

#[test]
fn select_text() {
    let text = timeline("select-text");
    assert_eq!(
        text.lines().skip(1).map(|l| l.split_once("s: ").unwrap().1).collect::<Vec<_>>(),
        [
            r#"Selected text "Conflicts are the price of that freedom. Two people editing…" in p "Conflicts are the price of that freedom. Two people editing…""#,
            r#"Selected text "the last writer wins" in p "The simplest rule is the last writer wins. It is easy to exp…""#,
        ],
        "{text}"
    );
}

#[test]
fn rage_after_click() {
    let text = timeline("rage-after-click");
    assert_eq!(
        text.lines().skip(1).map(|l| l.split_once("s: ").unwrap().1).collect::<Vec<_>>(),
        [
            r#"Clicked button "Apply coupon" → nothing visible happened"#,
            r#"Rage-clicked button "Apply coupon" 5× in 0.6 s"#
        ],
        "{text}"
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
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/rrweb");
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

#[test]
fn signup_terms() {
    assert_in_order(
        "signup-terms",
        &[
            r#"Typed "[REDACTED:email]" into input "Work email" type=email"#,
            r#"Clicked button "Create account" → showed "You must agree to the Terms of Service.""#,
            r#"Checked input "I agree to the Terms of Service" type=checkbox"#,
            r#"Clicked button "Create account" → showed "Welcome aboard! Your account is ready.""#,
        ],
    );
}

#[test]
fn payment() {
    assert_in_order(
        "payment",
        &[
            r#"Clicked button "Pay €89.00" → showed "Payment failed: your card was declined""#,
            r#"Checked input "Visa ending 4242" type=radio"#,
            r#"Clicked button "Pay €89.00" → showed "Order #10482 placed""#,
        ],
    );
}
