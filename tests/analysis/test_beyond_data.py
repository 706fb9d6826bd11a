"""ntmlib.analysis.beyond: tools/beyond.py's documents and the zoo's training records."""
import json

from ntmlib import analysis

from helpers import beyond_documents


def test_current_runs_are_those_with_the_current_settings():
    memory, _ = beyond_documents()
    assert [r["scheme"] for r in analysis.current_runs(memory)] == ["constant", "learned"]


def test_load_beyond_and_zoo_table(tmp_path, monkeypatch):
    monkeypatch.setenv("NTM_DATA_DIR", str(tmp_path))
    assert analysis.load_beyond("memory_init") is None
    (tmp_path / "beyond").mkdir()
    (tmp_path / "beyond" / "memory_init.json").write_text(json.dumps({"results": {}}))
    assert analysis.load_beyond("memory_init") == {"results": {}}
    assert analysis.zoo_table() == []
    model_dir = tmp_path / "copy" / "ntm-lstm"
    model_dir.mkdir(parents=True)
    (model_dir / "config.json").write_text(json.dumps({
        "task": "copy", "arch": "ntm-lstm", "model_kwargs": {"memory_init": "learned"}, "parameters": 10,
        "steps": 5, "sequences": 160, "wall_seconds": 3.0, "stopped": "steps", "finished": True,
        "best": {"eval_cost_bits": 1.5, "eval_bit_errors": 0.5, "sequences": 96}}))
    (row,) = analysis.zoo_table()
    assert (row["task"], row["arch"], row["memory_init"], row["best_cost_bits"]) == ("copy", "ntm-lstm", "learned", 1.5)
