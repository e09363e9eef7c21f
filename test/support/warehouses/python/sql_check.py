"""
Static checks of compiled models: each file must parse in the target's sqlglot dialect, and no
other warehouse's syntax may leak in (patterns that are valid elsewhere but wrong or meaningless
here).

  python sql_check.py <dialect> file.sql...   -> JSON {"parsed": n, "problems": [...]}
"""
import json
import re
import sys

import sqlglot
from sqlglot.errors import ErrorLevel, ParseError

# syntax of other warehouses (or of DuckDB) that must not appear in a dialect's SQL
LEAKS = {
    "snowflake": [r"safe_offset", r"lateral\s+view", r"`", r"\bcountif\(", r"\bcollect_(set|list)\(", r"json_extract_string", r"\blist_sort\(", r"\barg_(min|max)\(", r"filter\s*\(\s*where", r"\bget\(", r"<=>"],
    "bigquery": [r":\"", r"::", r"lateral\s+flatten", r"\bcollect_(set|list)\(", r"json_extract_string", r"\bcount_if\(", r"filter\s*\(\s*where", r"\biff\(", r"\bmin_by\(", r"\bmax_by\(", r"\bget\(", r"<=>", r"\bvarchar\b"],
    "databricks": [r"safe_offset", r":\"", r"::", r"lateral\s+flatten", r"json_extract_string", r"\barray_unique_agg\(", r"\barray_union_agg\(", r"\bqualify\b", r"\biff\(", r"\bcountif\(", r"\bvarchar\b"],
    "duckdb": [r"safe_offset", r":\"", r"lateral\s+view", r"lateral\s+flatten", r"\bcollect_(set|list)\(", r"\bcountif\(", r"<=>", r"`"],
}


def strip_strings_and_comments(sql):
    sql = re.sub(r"--[^\n]*", "", sql)
    sql = re.sub(r"/\*.*?\*/", "", sql, flags=re.S)
    return re.sub(r"'(?:[^'\\]|\\.|'')*'", "''", sql)


def check(dialect, files):
    problems = []
    for file in files:
        sql = open(file, encoding="utf-8").read()
        try:
            sqlglot.parse(sql, read=dialect, error_level=ErrorLevel.RAISE)
        except ParseError as e:
            problems.append(f"{file}: does not parse as {dialect}: {str(e).splitlines()[0]}")
        code = strip_strings_and_comments(sql).lower()
        for pattern in LEAKS[dialect]:
            if re.search(pattern, code):
                problems.append(f"{file}: {pattern!r} is not {dialect} syntax")
    return {"parsed": len(files), "problems": problems}


if __name__ == "__main__":
    print(json.dumps(check(sys.argv[1], sys.argv[2:])))
