"""Severity and confidence follow the evidence: request data visibly reaching a sink is high
severity, high confidence and blocks; a formatted value of unknown origin reaching an
injection sink still blocks, with medium confidence; a sink that is merely used (pickle.load)
is medium and reported only. Real semgrep over real files."""

from __future__ import annotations

import textwrap

import pytest

from tightrope.diff import AddedLine
from tightrope.scan import patterns


def scan(source: str, path: str = "app/views.py") -> dict[str, list[tuple[str, str, bool, int]]]:
    """rule id -> [(severity, confidence, blocking, line), ...] for a file whose every line is added."""
    text = textwrap.dedent(source).lstrip("\n")
    lines = text.split("\n")
    target = patterns.Target(path, text.encode(), [AddedLine(i + 1, ln) for i, ln in enumerate(lines)])
    result = patterns.scan_targets([target])
    assert result.semgrep_runs == 1, result.notes
    found: dict[str, list[tuple[str, str, bool, int]]] = {}
    for f in sorted(result.findings, key=lambda f: f.line):
        found.setdefault(f.rule_id, []).append((str(f.severity), str(f.confidence), f.blocking, f.line))
    return found


@pytest.fixture(scope="module")
def views() -> dict[str, list[tuple[str, str, bool, int]]]:
    return scan('''
        import pickle
        import sqlite3

        from flask import Flask, request

        app = Flask(__name__)
        db = sqlite3.connect("app.db")


        @app.route("/restore", methods=["POST"])
        def restore():
            return str(pickle.loads(request.data))


        @app.route("/user")
        def user():
            name = request.args["name"]
            return str(db.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall())
    ''')


def test_request_data_into_pickle_blocks_at_high_severity(views):
    assert views["py.tainted-deserialization"] == [("high", "high", True, 12)]
    # the sink-only rule still reports the same line, medium and non-blocking
    assert views["ai.pickle-load"] == [("medium", "medium", False, 12)]


def test_request_data_into_sql_text_blocks_at_high_severity(views):
    assert views["py.tainted-sql-injection"] == [("high", "high", True, 18)]
    assert views["py.sql-injection"] == [("high", "medium", True, 18)]


def test_same_sinks_without_a_visible_source_carry_less_confidence():
    found = scan('''
        import pickle


        def load(fh, cur, name):
            state = pickle.load(fh)
            cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
            return state
    ''', path="lib/store.py")
    assert found == {"ai.pickle-load": [("medium", "medium", False, 5)],
                     "py.sql-injection": [("high", "medium", True, 6)]}


def test_numeric_conversions_sanitise_sql():
    found = scan('''
        from flask import Flask, request

        app = Flask(__name__)


        @app.route("/version")
        def version(conn):
            conn.execute(f"PRAGMA user_version = {int(request.args['v'])}")
            conn.execute("SELECT id FROM t LIMIT %d" % min(len(request.args), 10))
            return "ok"
    ''')
    assert not {"py.sql-injection", "py.tainted-sql-injection"} & set(found), found


def test_taint_follows_a_numeric_conversion_through_a_variable():
    found = scan('''
        from flask import Flask, request

        app = Flask(__name__)


        @app.route("/version")
        def version(conn):
            v = int(request.args["v"])
            conn.execute(f"PRAGMA user_version = {v}")
            name = request.args["name"]
            conn.execute("SELECT * FROM t WHERE a = '" + name + "'")
            return "ok"
    ''')
    # the converted value is clean; the raw one two lines later is not
    assert found["py.tainted-sql-injection"] == [("high", "high", True, 11)]
