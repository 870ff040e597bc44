"""Runs SQL against a rewind Parquet lake with the real DuckDB (cli/tests/export.rs).

Reads {"views": SQL, "queries": {name: SQL}} on stdin and prints
{name: {"columns": [...], "rows": [[...], ...]}} as JSON. Exits 3 when duckdb cannot be
imported, so the caller can skip with a message.
"""
import json
import sys

try:
    import duckdb
except ImportError as e:  # the caller prints the skip message
    print(f"duckdb not importable: {e}", file=sys.stderr)
    sys.exit(3)

request = json.load(sys.stdin)
con = duckdb.connect()
con.execute(request["views"])
out = {}
for name, sql in request["queries"].items():
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    rows = [[v if v is None or isinstance(v, (int, float, str)) else str(v) for v in row] for row in cursor.fetchall()]
    out[name] = {"columns": columns, "rows": rows}
json.dump(out, sys.stdout)
