"""``smarttune report`` for studies and comparisons, HTML and PNG."""

from __future__ import annotations

from pathlib import Path

import optuna
import pytest

from smarttune.cli import main

XSS = "<script>alert(1)</script>"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def study_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from smarttune.storage import open_storage

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'r.db'}"
    study = optuna.create_study(study_name=XSS, storage=open_storage(url), direction="maximize")
    trials = [
        optuna.trial.create_trial(
            params={"x": x}, distributions={"x": optuna.distributions.FloatDistribution(0, 1)},
            value=x * x, intermediate_values={0: x, 1: x * x},
        )
        for x in (0.1, 0.5, 0.9, 0.3)
    ]  # fmt: skip
    study.add_trials(trials)
    return url


def test_study_report_html_and_png(
    study_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("plotly", reason="the plot extra is not installed")
    pytest.importorskip("matplotlib", reason="the plot extra is not installed")
    page = tmp_path / "study.html"
    assert main(["report", "--study", XSS, "--storage", study_url, "-o", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and XSS not in text
    assert capsys.readouterr().out.strip() == str(page)
    figures = tmp_path / "figures"
    args = ["report", "--study", XSS, "--storage", study_url, "--format", "png", "-o", str(figures)]
    assert main(args) == 0
    names = sorted(p.name for p in figures.iterdir())
    assert names == ["history.png", "importance.png", "learning_curves.png", "overview.png"]
    assert all((figures / n).read_bytes()[:8] == PNG for n in names)


def test_comparison_report_html_and_png(results_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("plotly", reason="the plot extra is not installed")
    pytest.importorskip("matplotlib", reason="the plot extra is not installed")
    page = tmp_path / "cmp.html"
    assert main(["report", "--results", str(results_dir), "-o", str(page)]) == 0
    assert "Best so far against evaluations" in page.read_text(encoding="utf-8")
    figures = tmp_path / "png"
    assert (
        main(["report", "--results", str(results_dir), "--format", "png", "-o", str(figures)]) == 0
    )
    assert any(p.name.startswith("best_vs_evaluations") for p in figures.glob("*.png"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report"], "exactly one of --study NAME or --results DIR"),
        (["report", "--study", "s", "--results", "r"], "exactly one of"),
        (["report", "--study", "s", "--format", "png", "-o", "x.html"], "names a directory"),
        (["report", "--study", "missing"], "No study named 'missing'"),
        (["report", "--results", "{tmp}/nothing"], "No comparison directory"),
        (["report", "--results", "{tmp}"], "is not a comparison directory"),
    ],
)
def test_user_errors_exit_2(
    args: list[str],
    message: str,
    study_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--study" in args:
        args += ["--storage", study_url]
    assert main(args) == 2
    assert message in capsys.readouterr().err
