"""The benchmark harness: targets say whether they hold, and the Markdown tables are generated
from the JSON records the scripts write."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import harness  # noqa: E402
import report  # noqa: E402


def test_targets_are_checked_and_the_record_is_written(tmp_path, capsys):
    record = harness.Record("demo")
    record.row("speed", explorer="A", median_ms=12.3456)
    record.row("speed", explorer="B", median_ms=20.0)
    assert record.target("A median ms", 12.3456, 16.7)
    assert not record.target("B median ms", 20.0, 16.7)
    assert record.target("ratio", 22.0, 20.0, at_least=True)
    out = tmp_path / "demo.json"
    record.finish(argparse.Namespace(json=out, strict=False))
    printed = capsys.readouterr().out
    assert "targets (2 of 3 hold)" in printed and "FAILS  B median ms: 20 ≤ 16.7" in printed
    data = json.loads(out.read_text())
    assert data["tables"]["speed"][0]["median_ms"] == 12.3456
    assert [t["holds"] for t in data["targets"]] == [True, False, True]
    with pytest.raises(SystemExit):
        record.finish(argparse.Namespace(json=out, strict=True))


def test_report_writes_tables_between_markers_from_the_records(tmp_path):
    record = harness.Record("demo")
    record.row("speed", explorer="A", median_ms=12.3456, ok=True)
    record.finish(argparse.Namespace(json=tmp_path / "demo.json", strict=False))
    text = "intro\n<!-- results: demo/speed -->\nold figures\n<!-- /results -->\nend\n"
    new = report.render(text, tmp_path)
    assert "old figures" not in new and new.startswith("intro\n") and new.endswith("end\n")
    assert "| explorer | median ms | ok |" in new and "| A | 12.3 | yes |" in new
    assert report.render(new, tmp_path) == new  # rendering again changes nothing
    with pytest.raises(KeyError, match="no table 'nope'"):
        report.render(text.replace("demo/speed", "demo/nope"), tmp_path)
