"""A warm dbt process for every round of one `signals-batch run`.

The runner starts this once per run and sends one request per round: Python start-up, dbt's
imports and the project parse are paid once, not per round. Requests are JSON lines on stdin,
`{"args": [...dbt arguments...]}`. dbt's log goes to stdout as usual, and each request ends with
one line on stdout, after everything dbt printed for it:
`@@signals-batch-worker@@ {"success": true|false, "error": "..."|null}`.
The first request's project is parsed once; later rounds reuse that parse (same project, same
variables), so only the first one pays for it.
"""
import json
import sys


REPLY = "@@signals-batch-worker@@ "


def reply(success: bool, error) -> None:
    sys.stderr.flush()
    sys.stdout.write(REPLY + json.dumps({"success": success, "error": error}) + "\n")
    sys.stdout.flush()


def main() -> int:
    from dbt.cli.main import dbtRunner  # the slow import, once

    runner = dbtRunner()
    parsed = False
    for line in sys.stdin:
        if not line.strip():
            continue
        args = json.loads(line)["args"]
        try:
            if not parsed:
                # parse once with this round's project, profile and variables; reuse it afterwards
                parse_args = ["parse"] + [a for a in args[1:] if a != "--full-refresh"]
                parse = runner.invoke(parse_args)
                if not parse.success:
                    reply(False, str(parse.exception or "dbt parse failed"))
                    continue
                runner = dbtRunner(manifest=parse.result)
                parsed = True
            result = runner.invoke(args)
            error = None if result.success else str(result.exception or "dbt reported a failure")
            reply(bool(result.success), error)
        except Exception as exc:  # report, keep serving: the runner decides what to do
            reply(False, f"{type(exc).__name__}: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
