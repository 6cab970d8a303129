"""The ``hwemu vstore`` commands, through the real CLI entry point."""

import json

import pytest

from emulator.cli import main


def _run(capsys, *argv):
    code = main(["vstore", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_configure_query_json(capsys, clip, tmp_path):
    store = tmp_path / "s"
    code, out, _ = _run(capsys, "ingest", clip, "--store", store, "--ops", "diff,color",
                        "--cascade", "diff,color", "--quick", "--accuracy", "0.9", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["ingest"]["stream"] == "synthetic" and data["config"]["formats"]
    code, out, _ = _run(capsys, "configure", "--store", store, "--ops", "diff,color",
                        "--accuracy", "0.8,0.9", "--json")
    assert code == 0 and json.loads(out)["consumers"]
    code, out, _ = _run(capsys, "query", "--store", store, "--cascade", "diff,color",
                        "--accuracy", "0.9", "--json")
    result = json.loads(out)
    assert code == 0 and result["f1"] >= 0.9 and result["matching_intervals"]
    assert [s["op"] for s in result["stage_seconds"]] == ["diff", "color"]
    code, out, _ = _run(capsys, "query", "--store", store, "--cascade", "diff,color",
                        "--accuracy", "0.9")
    assert code == 0 and "x real time" in out and out.count("s, decode ") == 2


@pytest.mark.parametrize("argv, message", [
    (["query", "--store", "{empty}", "--cascade", "diff", "--accuracy", "0.9"], "no video store"),
    (["query", "--store", "{store}", "--cascade", "diff,faces", "--accuracy", "0.9"],
     "unknown operator 'faces'"),
    (["query", "--store", "{store}", "--cascade", "diff", "--accuracy", "1.5"], "impossible"),
    (["configure", "--store", "{store}", "--ops", "diff", "--accuracy", "0.9",
      "--storage-budget", "1KB"], "storage budget"),
    (["configure", "--store", "{store}", "--ops", "diff", "--accuracy", "0.9",
      "--storage-budget", "lots"], "expected e.g."),
    (["ingest", "{notvideo}", "--store", "{fresh}", "--formats", "golden", "--quick"],
     "not a readable video"),
])
def test_bad_input_is_one_line_and_nonzero(capsys, clip, tmp_path, argv, message):
    store = tmp_path / "s"
    assert _run(capsys, "ingest", clip, "--store", store, "--formats", "golden", "--ops", "diff",
                "--cascade", "diff", "--quick")[0] == 0
    notvideo = tmp_path / "notes.mp4"
    notvideo.write_text("hello")
    paths = {"empty": tmp_path / "none", "store": store, "notvideo": notvideo,
             "fresh": tmp_path / "fresh"}
    before = sorted(p.name for p in store.iterdir())
    code, out, err = _run(capsys, *[a.format(**paths) for a in argv])
    assert code == 1 and out == ""
    assert err.startswith("hwemu: error:") and message in err and err.count("\n") == 1
    assert sorted(p.name for p in store.iterdir()) == before
    assert not (tmp_path / "none").exists()


def test_fetch_lists_cached_videos(capsys, sample_clip):
    code, out, _ = _run(capsys, "fetch", "--json")
    assert code == 0 and str(sample_clip) in json.loads(out)["videos"]


def test_profile_reports_operators_and_storage_formats(capsys, clip):
    code, out, _ = _run(capsys, "profile", clip, "--ops", "diff,color", "--quick",
                        "--accuracy", "0.9", "--json")
    data = json.loads(out)
    assert code == 0 and set(data["consumption"]) == {"diff", "color"}
    assert "s1-k1-c1-q18-rgb_h264-g48-veryfast" in data["storage"]
    for point in data["storage"].values():
        assert point["bytes_per_second"] > 0 and point["retrieval_speed"] > 0
    code, out, _ = _run(capsys, "profile", clip, "--ops", "diff", "--quick")
    assert code == 0 and "fastest fidelity per accuracy" in out


def test_a_configured_store_keeps_its_formats_for_new_videos(capsys, clip, tmp_path):
    store = tmp_path / "s"
    assert _run(capsys, "ingest", clip, "--store", store, "--ops", "diff", "--cascade", "diff",
                "--quick", "--accuracy", "0.9", "--json")[0] == 0
    code, out, _ = _run(capsys, "configure", "--store", store, "--ops", "diff,color",
                        "--accuracy", "0.8", "--json")
    configured = sorted(f["id"] for f in json.loads(out)["formats"])
    code, out, _ = _run(capsys, "ingest", clip, "--store", store, "--name", "second", "--json")
    data = json.loads(out)
    assert code == 0 and data["config"] is None
    assert sorted(data["ingest"]["formats"]) == configured
