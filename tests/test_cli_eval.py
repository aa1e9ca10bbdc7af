"""``saidwhat eval polnear``: the command around ``saidwhat.evaluate.evaluate_polnear``.

The evaluator is replaced by a stand-in so that most tests check only the CLI's part:
arguments passed through, output formats, errors mapped to one line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from saidwhat import cli
from saidwhat.cli import main
from saidwhat.errors import DatasetError

POLNEAR_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev"


Call = tuple[Path, int | None, int, str, float | None]


class FakeReport:
    def format_table(self) -> str:
        return "metric | value\nf1     | 0.5"

    def to_dict(self) -> dict[str, Any]:
        return {"f1": 0.5}


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[Call]:
    """Stand in for the evaluator; records its arguments. A directory named "bad" fails."""
    seen: list[Call] = []

    def evaluate_polnear(
        directory: Path,
        *,
        limit: int | None,
        n_process: int,
        tagger: str,
        speakers: Path | None,
        min_confidence: float | None,
    ) -> FakeReport:
        seen.append((directory, limit, n_process, tagger, min_confidence))
        if directory.name == "bad":
            raise DatasetError(f"{directory}: no text/ directory; point DIR at a PolNeAR split")
        return FakeReport()

    monkeypatch.setattr(cli, "evaluate_polnear", evaluate_polnear)
    return seen


def test_table(tmp_path: Path, calls: list[Call]) -> None:
    result = CliRunner().invoke(main, ["eval", "polnear", str(tmp_path), "--limit", "3"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "metric | value\nf1     | 0.5\n"
    assert calls == [(tmp_path, 3, 1, "accurate", None)]


def test_json(tmp_path: Path, calls: list[Call]) -> None:
    args = ["eval", "polnear", str(tmp_path), "--format", "json", "--n-process", "2"]
    result = CliRunner().invoke(main, [*args, "--tagger", "fast", "--min-confidence", "0"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"f1": 0.5}
    assert calls == [(tmp_path, None, 2, "fast", 0.0)]


def test_dataset_error_is_one_line(tmp_path: Path, calls: list[Call]) -> None:
    (tmp_path / "bad").mkdir()
    result = CliRunner().invoke(main, ["eval", "polnear", str(tmp_path / "bad")])
    assert result.exit_code == 1
    assert result.stderr == (
        f"saidwhat: error: {tmp_path / 'bad'}: no text/ directory; point DIR at a PolNeAR split\n"
    )


def test_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "polnear", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_a_directory_that_is_not_a_split_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", "polnear", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "not a PolNeAR split" in result.stderr


@pytest.mark.model
@pytest.mark.polnear
@pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason="needs ../shared/data/polnear")
def test_real_evaluator_smoke() -> None:
    args = ["eval", "polnear", str(POLNEAR_DEV), "--limit", "2", "--format", "json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["documents"] == 2
    assert report["content_partial"]["gold"] > 0
