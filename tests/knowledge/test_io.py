from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from smarttune.exceptions import DataError
from smarttune.knowledge import KnowledgeBase, StudyRecord


def test_json_round_trip_keeps_every_field(tmp_path: Path, records: list[StudyRecord]) -> None:
    conditional = StudyRecord(
        name="dt-x",
        task="dt-x",
        family="dt",
        dataset="x",
        direction="minimize",
        meta_features={"n_rows": 10.0},
        space=dict(records[0].space),
        params=[{"C": 0.5, "kernel": "linear"}, {"C": 2.0, "kernel": "rbf", "depth": 3}],
        values=[0.25, 0.125],
    )
    kb = KnowledgeBase(records=[*records, conditional])
    path = kb.save(tmp_path / "sub" / "kb.json")
    loaded = KnowledgeBase.load(path)
    assert [r.name for r in loaded.records] == [r.name for r in kb.records]
    for before, after in zip(kb.records, loaded.records, strict=True):
        assert (after.task, after.family, after.dataset, after.direction) == (
            before.task,
            before.family,
            before.dataset,
            before.direction,
        )
        assert dict(after.space) == dict(before.space)
        assert after.meta_features == pytest.approx(before.meta_features, rel=1e-6)
        assert after.values == pytest.approx(before.values, rel=1e-6)
        assert after.seconds == pytest.approx(before.seconds, abs=1e-3)
        assert len(after.params) == len(before.params)
        for a, b in zip(after.params, before.params, strict=True):
            assert a.keys() == b.keys()  # absent conditional parameters stay absent
            assert a["kernel"] == b["kernel"]
            assert a["C"] == pytest.approx(b["C"], rel=1e-6)
    assert loaded.to_dict() == kb.to_dict()


def _valid_document(records: list[StudyRecord]) -> dict:
    return KnowledgeBase(records=records[:1]).to_dict()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="pickle"), "not a 'smarttune-knowledge' document"),
        (lambda d: d.update(extra=1), "expected an object with the keys"),
        (lambda d: d["studies"][0].update(values="x"), "'values' is not a list of finite"),
        (lambda d: d["studies"][0]["values"].__setitem__(0, True), "'values' is not a list"),
        (lambda d: d["studies"][0].update(direction="up"), "direction"),
        (lambda d: d["studies"][0]["trials"][0].__setitem__(0, 1e9), "outside its distribution"),
        (lambda d: d["studies"][0]["trials"][0].pop(), "a trial is not a list of 3 values"),
        (lambda d: d["studies"][0]["meta_features"].update(x="1"), "meta-feature is not a finite"),
        (
            lambda d: d["studies"][0]["space"]["C"].update(name="os.system"),
            "distribution of 'C' is not one of",
        ),
        (
            lambda d: d["studies"][0]["space"]["C"]["attributes"].update(low=5.0, high=1.0),
            "distribution of 'C' is invalid",
        ),
        (lambda d: d["studies"][0].update(__reduce__="x"), "expected an object with the keys"),
    ],
)
def test_hostile_or_corrupted_document_gives_one_line_error(
    tmp_path: Path, records: list[StudyRecord], mutate, message: str
) -> None:
    document = _valid_document(records)
    mutate(document)
    path = tmp_path / "kb.json"
    path.write_text(json.dumps(document))
    with pytest.raises(DataError, match=message) as info:
        KnowledgeBase.load(path)
    assert "\n" not in str(info.value)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (pickle.dumps({"format": "smarttune-knowledge"}), "not valid JSON"),
        (b'{"format": "smarttune-knowledge", "version": 1, "studies": [', "not valid JSON"),
        (b'{"format": "smarttune-knowledge", "version": 1, "studies": NaN}', "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON|expected an object"),
        (b"\xff\xfe garbage", "not valid JSON"),
    ],
)
def test_non_json_files_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "kb.json"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as info:
        KnowledgeBase.load(path)
    assert "\n" not in str(info.value)


def test_missing_file_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot be read"):
        KnowledgeBase.load(tmp_path / "absent.json")
