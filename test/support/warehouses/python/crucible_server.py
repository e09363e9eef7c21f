"""
crucible-emulator (BigQuery) for the BigQuery tests, with the one emulator gap this project's
BigQuery SQL meets filled in, keeping BigQuery's semantics:

- DELETE FROM t WHERE c: not supported by crucible 0.1. Run as keeping the rows where c is not
  TRUE (BigQuery deletes exactly the rows where the condition is TRUE): the kept rows are computed
  through crucible's own query translation, then the table's rows are replaced by them.

Usage: python crucible_server.py serve --dialect bigquery --port PORT
"""
import sys

from sqlglot import exp

from crucible import cli
from crucible.dialects.bigquery import statements

_plan = statements._plan


def _plan_with_delete(tree, ctx):
    if not isinstance(tree, exp.Delete):
        return _plan(tree, ctx)
    table = tree.this
    info = statements.metadata.find_table(ctx, statements.metadata.name_of(table, ctx))
    full = statements.qualified(info.catalog, info.schema, info.name)
    where = tree.args.get("where")
    condition = where.this if where is not None else exp.true()
    kept = exp.select("*").from_(table.copy()).where(exp.not_(exp.Is(this=exp.paren(condition.copy()), expression=exp.true())))
    target_types = [statements.types.parse(statements.types.type_name(c.type)) for c in info.columns]
    translation = statements.translate_query(kept, ctx, target_types=target_types)
    sql = (
        f"CREATE OR REPLACE TEMP TABLE __sb_kept AS {translation.sql}; "
        f"DELETE FROM {full}; INSERT INTO {full} SELECT * FROM __sb_kept; DROP TABLE __sb_kept"
    )
    return statements.run_sql(sql, "DELETE", ctx, returns_rows=False)


statements._plan = _plan_with_delete

if __name__ == "__main__":
    sys.exit(cli.main(sys.argv[1:]))
