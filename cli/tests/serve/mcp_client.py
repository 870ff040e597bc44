"""A real MCP client (the official Python SDK) against rewind's MCP server.

Run by cli/tests/serve_mcp.rs with a collector already holding the sessions named there:

    python3 mcp_client.py --url http://127.0.0.1:PORT --rewind /path/to/rewind   (REWIND_READ_KEY set)

Over Streamable HTTP (`/v1/mcp` with the bearer read key) and over stdio (`rewind mcp
--collector URL`), it checks initialize, tools/list, every tool with its paging, a wrong and a
missing key, and that no result holds a raw rrweb event or unredacted PII. Exits non-zero with
the failed check on the first failure; prints one success line at the end.
"""

import argparse
import json
import os
import re
import sys

import anyio
import httpx2
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

TOOLS = {
    "search_sessions",
    "get_session_summary",
    "get_session_timeline",
    "get_friction_report",
    "get_page_at",
    "compare_cohorts",
}
SESSIONS = {"mcp-login", "mcp-signup", "mcp-dead", "mcp-errors", "mcp-spa"}
# Typed into unmasked fields, in a user id and in a page URL's query of the stored sessions.
PII = ["jane.doe@example.com", "jane@example.com", "jane.doe%40example.com", "4111 1111 1111 1111",
       "4111111111111111", "jane.doe@", "jane@exa"]
# Shapes only rrweb events have: a FullSnapshot's node tree, event type/data keys, mutations.
RAW = [re.compile(p) for p in [r'"childNodes"', r'"type"\s*:\s*[0-6]\s*,', r'"tagName"', r'"rr_', r'"adds"\s*:',
                               r'"removes"\s*:', r'"positions"\s*:', r'"timestamp"\s*:', r'"source"\s*:\s*\d']]

everything = []  # every result's JSON text, for the PII and raw-event checks


def check(cond, what):
    if not cond:
        raise AssertionError(what)


async def call(session, name, args):
    result = await session.call_tool(name, args)
    text = json.dumps(result.structured_content) if result.structured_content is not None else ""
    text += "".join(getattr(c, "text", "") for c in result.content)
    everything.append(text)
    return result


async def ok(session, name, args):
    result = await call(session, name, args)
    check(not result.is_error, f"{name}({args}) failed: {result.content}")
    data = result.structured_content
    check(isinstance(data, dict), f"{name}: structured content is an object")
    check("truncated" in data and "cursor" in data, f"{name}: every result says truncated and cursor: {data}")
    check(data["truncated"] == (data["cursor"] is not None), f"{name}: truncated iff cursor: {data}")
    return data


async def exercise(session, transport):
    init = session.initialize_result if hasattr(session, "initialize_result") else None
    tools = await session.list_tools()
    names = {t.name for t in tools.tools}
    check(names == TOOLS, f"{transport}: tools/list {names}")
    for tool in tools.tools:
        check(tool.description and len(tool.description) > 40, f"{tool.name} has a description")
        props = tool.input_schema.get("properties", {})
        check(props, f"{tool.name} has an input schema")
    by_name = {t.name: t for t in tools.tools}
    schema_text = json.dumps(by_name["get_session_timeline"].input_schema)
    check("seconds" in schema_text, "timeline schema states units")
    check("seconds" in json.dumps(by_name["get_page_at"].input_schema), "page_at schema states units")

    # search_sessions: everything, newest first, then paged by 2 through the cursor.
    every = await ok(session, "search_sessions", {"limit": 50})
    ids = [s["session_id"] for s in every["sessions"]]
    check(set(ids) == SESSIONS and every["truncated"] is False, f"all sessions: {ids}")
    starts = [s["started_at"] for s in every["sessions"]]
    check(starts == sorted(starts, reverse=True), f"newest first: {starts}")
    paged, cursor, pages = [], None, 0
    while True:
        args = {"limit": 2}
        if cursor:
            args["cursor"] = cursor
        page = await ok(session, "search_sessions", args)
        check(len(page["sessions"]) <= 2, "page size")
        paged += [s["session_id"] for s in page["sessions"]]
        pages += 1
        cursor = page["cursor"]
        if not page["truncated"]:
            break
    check(paged == ids and pages >= 3, f"paging by cursor gives the same sessions: {paged} in {pages} pages")
    rage = await ok(session, "search_sessions", {"filter": {"has": ["rage"]}})
    check([s["session_id"] for s in rage["sessions"]] == ["mcp-dead"], f"has rage: {rage}")
    errors = await ok(session, "search_sessions", {"filter": {"has": ["errors"]}})
    check("mcp-errors" in [s["session_id"] for s in errors["sessions"]], f"has errors: {errors}")
    by_url = await ok(session, "search_sessions", {"filter": {"url": "/app/billing"}})
    check([s["session_id"] for s in by_url["sessions"]] == ["mcp-spa"], f"url filter: {by_url}")
    by_text = await ok(session, "search_sessions", {"filter": {"query": "BILLING"}})
    check([s["session_id"] for s in by_text["sessions"]] == ["mcp-spa"], f"free text over page URLs: {by_text}")
    by_user_text = await ok(session, "search_sessions", {"filter": {"query": "u-cart"}})
    check([s["session_id"] for s in by_user_text["sessions"]] == ["mcp-dead"], f"free text over user ids: {by_user_text}")
    by_user = await ok(session, "search_sessions", {"filter": {"user": "jane.doe@example.com"}})
    check([s["session_id"] for s in by_user["sessions"]] == ["mcp-login"], f"user filter: {by_user}")
    check(by_user["sessions"][0]["user"] == "[REDACTED:email]", f"user id redacted: {by_user}")
    check("?" not in (by_user["sessions"][0]["entry_url"] or ""), f"entry URL without query: {by_user}")
    day = min(starts)[:10]
    dated = await ok(session, "search_sessions", {"filter": {"from": day, "to": day}})
    check(len(dated["sessions"]) >= 1, f"date range {day}: {dated}")
    later = await ok(session, "search_sessions", {"filter": {"from": "2999-01-01"}})
    check(later["sessions"] == [], "nothing in the future")
    longest = max(every["sessions"], key=lambda s: s["duration_s"])
    long_only = await ok(session, "search_sessions", {"filter": {"min_duration_s": longest["duration_s"]}})
    check([s["session_id"] for s in long_only["sessions"]] == [longest["session_id"]], f"min_duration_s: {long_only}")
    bad = await call(session, "search_sessions", {"filter": {"from": "last tuesday"}})
    check(bad.is_error and "from" in bad.content[0].text, f"a bad date is a tool error naming the field: {bad}")

    # get_session_summary
    summary = await ok(session, "get_session_summary", {"session_id": "mcp-dead"})
    check(summary["session"]["session_id"] == "mcp-dead", "summary row")
    check(summary["pages"] and summary["pages"][0]["url"].startswith("http"), f"pages: {summary['pages']}")
    kinds = {f["kind"] for f in summary["findings"]}
    check("rage_click" in kinds, f"rage finding: {kinds}")
    check(all(f["evidence"] and "offset_s" in f for f in summary["findings"]), "findings carry evidence and times")
    check(summary["counts"]["clicks"] > 0, f"counts: {summary['counts']}")
    missing = await call(session, "get_session_summary", {"session_id": "no-such-session"})
    check(missing.is_error and "no session" in missing.content[0].text, f"unknown session: {missing}")
    bad_id = await call(session, "get_session_summary", {"session_id": "../etc"})
    check(bad_id.is_error, "a malformed id is refused")

    # get_session_timeline: whole, paged by 3, a window, kinds
    whole = await ok(session, "get_session_timeline", {"session_id": "mcp-spa", "limit": 200})
    lines = whole["timeline"].splitlines()
    check(len(lines) == whole["n_lines"] and len(lines) > 3 and not whole["truncated"], f"timeline: {whole}")
    check(all(re.match(r"^\d+\.\ds: ", l) for l in lines), f"timeline lines: {lines}")
    joined, cursor = "", None
    while True:
        args = {"session_id": "mcp-spa", "limit": 3}
        if cursor:
            args["cursor"] = cursor
        page = await ok(session, "get_session_timeline", args)
        check(len(page["timeline"].splitlines()) <= 3, "timeline page size")
        joined += page["timeline"]
        cursor = page["cursor"]
        if not page["truncated"]:
            break
    check(joined == whole["timeline"], "timeline pages join to the whole")
    times = [float(l.split("s:")[0]) for l in lines]
    lo, hi = times[1], times[-1]
    window = await ok(session, "get_session_timeline", {"session_id": "mcp-spa", "start_s": lo, "end_s": hi})
    wtimes = [float(l.split("s:")[0]) for l in window["timeline"].splitlines()]
    check(wtimes and all(lo - 0.05 <= t < hi + 0.05 for t in wtimes) and len(wtimes) < len(times),
          f"window {lo}..{hi}: {wtimes}")
    navs = await ok(session, "get_session_timeline", {"session_id": "mcp-spa", "kinds": ["navigate"]})
    check(navs["timeline"] and all("avigat" in l for l in navs["timeline"].splitlines()), f"kinds: {navs}")
    bad_kind = await call(session, "get_session_timeline", {"session_id": "mcp-spa", "kinds": ["teleport"]})
    check(bad_kind.is_error or "error" in str(bad_kind).lower(), "an unknown kind is refused")
    typed = await ok(session, "get_session_timeline", {"session_id": "mcp-login"})
    check("[REDACTED:" in typed["timeline"], f"typed PII redacted in the timeline: {typed['timeline']}")

    # get_page_at: the login page after the typing, paged
    # Just before the user closed the sign-in dialog: every field typed, the form still there.
    close = next(l for l in typed["timeline"].splitlines() if "Close dialog" in l)
    end = round(float(close.split("s:")[0]) - 0.1, 1)
    page_at = await ok(session, "get_page_at", {"session_id": "mcp-login", "t_s": end})
    outline = page_at["outline"]
    check(outline.startswith("page"), f"outline head: {outline[:200]}")
    check("value=[masked," in outline, f"typed values masked in the outline: {outline}")
    check(page_at["url"] and "?" not in page_at["url"], f"url without query: {page_at['url']}")
    check('dialog:' in outline and '# Sign in' in outline and 'button "Sign in"' in outline, f"dialog: {outline}")
    check('input type=email "Email address" value=[masked, 20 chars]' in outline, outline)
    check('checkbox "Remember me" [x]' in outline, f"checkbox state: {outline}")
    first = await ok(session, "get_page_at", {"session_id": "mcp-login", "t_s": end, "limit": 2})
    check(first["truncated"] and len(first["outline"].splitlines()) == 2, f"outline paging: {first}")
    second = await ok(session, "get_page_at", {"session_id": "mcp-login", "t_s": end, "limit": 2,
                                               "cursor": first["cursor"]})
    check(first["outline"] + second["outline"] == "".join(outline.splitlines(True)[:4]), "outline pages continue")
    early = await ok(session, "get_page_at", {"session_id": "mcp-login", "t_s": 0})
    check(early["outline"] != outline, "the page differs over time")
    negative = await call(session, "get_page_at", {"session_id": "mcp-login", "t_s": -1})
    check(negative.is_error, "a negative time is refused")

    # get_friction_report over everything, then paged by 1 group
    report = await ok(session, "get_friction_report", {})
    check(report["sessions_analysed"] == len(SESSIONS) and report["groups"], f"report: {report}")
    check(report["groups"][0]["rank"] == 1 and report["groups"][0]["examples"], "ranked groups with evidence")
    check(any(g["kind"] == "rage_click" for g in report["groups"]), "rage group")
    one = await ok(session, "get_friction_report", {"limit": 1})
    if report["n_groups"] > 1:
        check(one["truncated"] and len(one["groups"]) == 1, f"friction paging: {one}")
        two = await ok(session, "get_friction_report", {"limit": 1, "cursor": one["cursor"]})
        check(two["groups"][0]["rank"] == 2, f"second group: {two}")
    cart = await ok(session, "get_friction_report", {"filter": {"url": "/cart"}})
    check(cart["sessions_analysed"] == 1, f"filtered report: {cart}")

    # compare_cohorts
    cmp = await ok(session, "compare_cohorts", {"a": {"url": "/app"}, "b": {"url": "/cart"}, "limit": 2})
    check(cmp["a"]["sessions_analysed"] == 1 and cmp["b"]["sessions_analysed"] == 1, f"cohorts: {cmp}")
    check(len(cmp["rows"]) == 2 and cmp["truncated"] and cmp["n_rows"] > 2, f"compare paging: {cmp}")
    deltas = [abs(r["delta"]) for r in cmp["rows"]]
    check(deltas == sorted(deltas, reverse=True), "largest difference first")
    check(all("@" in r["label"] for r in cmp["rows"]), f"labels: {cmp['rows']}")
    rest = await ok(session, "compare_cohorts", {"a": {"url": "/app"}, "b": {"url": "/cart"}, "limit": 100,
                                                 "cursor": cmp["cursor"]})
    check(len(rest["rows"]) == cmp["n_rows"] - 2 and not rest["truncated"], "compare rest")
    print(f"{transport}: {len(everything)} results checked")


def check_clean():
    text = "\n".join(everything)
    for value in PII:
        check(value not in text, f"unredacted PII {value!r} in a result")
    for pattern in RAW:
        check(not pattern.search(text), f"raw rrweb event shape {pattern.pattern} in a result")
    check("[REDACTED:" in text, "redaction markers are there")


async def over_http(url, key):
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx2.AsyncClient(headers=headers, timeout=120) as http:
        async with streamable_http_client(f"{url}/v1/mcp", http_client=http) as (read, write):
            async with ClientSession(read, write) as session:
                result = await session.initialize()
                check(result.server_info.name == "rewind", f"initialize: {result.server_info}")
                check(result.capabilities.tools is not None, "tools capability")
                await exercise(session, "http")


async def refused(url, key):
    """Initialize with `key` (None: no Authorization header) must fail with 401."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
        status = (await http.post(f"{url}/v1/mcp", json={}, headers={"Accept": "application/json"})).status_code
        check(status == 401, f"key {key!r}: status {status}")
        try:
            with anyio.fail_after(30):
                async with streamable_http_client(f"{url}/v1/mcp", http_client=http) as (read, write):
                    async with ClientSession(read, write) as session:
                        await session.initialize()
        except Exception as e:  # the SDK raises its own error types; any failure is a refusal
            check("401" in repr(e) or "nauthorized" in repr(e) or isinstance(e, Exception), repr(e))
            return
        raise AssertionError(f"initialize succeeded with key {key!r}")


async def over_stdio(url, rewind, key):
    params = StdioServerParameters(command=rewind, args=["mcp", "--collector", url],
                                   env={"REWIND_READ_KEY": key, "PATH": os.environ.get("PATH", "")})
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            result = await session.initialize()
            check(result.server_info.name == "rewind", f"stdio initialize: {result.server_info}")
            await exercise(session, "stdio")


async def stdio_refused(url, rewind):
    params = StdioServerParameters(command=rewind, args=["mcp", "--collector", url],
                                   env={"REWIND_READ_KEY": "wrong-key-wrong-key-0", "PATH": os.environ.get("PATH", "")})
    try:
        with anyio.fail_after(60):
            async with stdio_client(params, errlog=open(os.devnull, "w")) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
    except Exception:
        return
    raise AssertionError("stdio initialize succeeded with a wrong key")


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--rewind", required=True)
    args = parser.parse_args()
    key = os.environ["REWIND_READ_KEY"]
    await refused(args.url, None)
    await refused(args.url, "wrong-key-wrong-key-0")
    await over_http(args.url, key)
    await over_stdio(args.url, args.rewind, key)
    await stdio_refused(args.url, args.rewind)
    check_clean()
    print("mcp client: all checks passed over http and stdio")


if __name__ == "__main__":
    try:
        anyio.run(main)
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
