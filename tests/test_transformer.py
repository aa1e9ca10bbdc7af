"""The accurate tagger: word-piece encoding, windows, stored weights, the component option."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import spacy
from confection import ConfigValidationError
from spacy.tokens import Doc, Span

pytest.importorskip("torch", reason="the accurate tagger needs torch (pip install saidwhat)")

import saidwhat.attribute  # noqa: E402
from saidwhat.attribute import transformer  # noqa: E402
from saidwhat.attribute.bio import LABELS  # noqa: E402
from saidwhat.attribute.component import Attributions  # noqa: E402
from saidwhat.errors import ModelError  # noqa: E402
from saidwhat.parse import load_pipeline  # noqa: E402

pytestmark = pytest.mark.model


@pytest.mark.parametrize("n", [0, 1, 200, 254, 255, 600, 1000])
def test_windows_cover_every_piece_with_context_on_both_sides(n: int) -> None:
    size = 254
    spans = transformer.windows(n, size, size * 3 // 4)
    assert all(0 <= s < e <= n and e - s <= size for s, e in spans)
    covered = {p for s, e in spans for p in range(s, e)}
    assert covered == set(range(n))
    if n > size:
        # every piece away from the document's ends sits an eighth of a window from an edge
        for p in range(size // 8, n - size // 8):
            assert max(min(p - s, e - 1 - p) for s, e in spans if s <= p < e) >= size // 8 - 1


def test_each_token_is_labelled_on_its_first_word_piece() -> None:
    tokenizer = transformer.load_tokenizer()
    words = ["Officials", "said", "the", "unprecedentedly", "large", "deal", "\n", "holds"]
    doc = Doc(spacy.blank("en").vocab, words=words)
    gold = [
        Span(doc, 0, 1, label="SOURCE"),
        Span(doc, 1, 2, label="CUE"),
        Span(doc, 2, 6, label="CONTENT"),
    ]
    enc = transformer.encode(tokenizer, doc, {}, {}, gold=gold)
    assert enc.tokens == [0, 1, 2, 3, 4, 5, 7]  # the newline is not fed to the network
    assert len(enc.ids) == len(enc.deps) == len(enc.tags) == len(enc.labels) > len(enc.tokens)
    scored = [LABELS[enc.labels[p]] for p in enc.first]
    assert scored == ["B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "I-CONTENT", "I-CONTENT", "O"]
    assert sum(label != -100 for label in enc.labels) == len(enc.tokens)


def test_stored_weights_give_the_network_back(tmp_path: Path) -> None:
    import torch

    torch.manual_seed(0)
    model = transformer.TransformerTagger(3, 3, pretrained=False).eval()
    transformer.save_weights(model, {"nsubj": 2}, {"NN": 2}, tmp_path)
    runner = transformer.load(tmp_path)
    ids = torch.randint(1000, 2000, (2, 12))
    mask = torch.ones_like(ids)
    dep, tag = torch.full_like(ids, 2), torch.full_like(ids, 1)
    with torch.inference_mode():
        before = model(ids, mask, dep, tag).numpy()
        after = runner.model(ids, mask, dep, tag).numpy()
    # int8 matrices: close, and the same best label almost everywhere
    assert np.abs(before - after).max() < 0.1 * np.abs(before).max()
    assert (before.argmax(-1) == after.argmax(-1)).mean() > 0.9


def test_the_accurate_tagger_finds_speakers_and_statements() -> None:
    nlp = load_pipeline(tagger="accurate")
    doc = nlp(
        "Finance Minister Lena Brask said on Monday that the budget would be balanced by 2028. "
        "Opposition leaders accused her of hiding the cost of the new bridge. "
        '"We will not cut pensions," she told reporters.'
    )
    found = {(a.speaker.name if a.speaker else None, a.cue.text) for a in doc._.attributions}
    assert ("Lena Brask", "said") in found
    assert ("Lena Brask", "told") in found
    assert any(a.cue.text == "accused" for a in doc._.attributions)


def test_the_accurate_tagger_reads_the_fast_taggers_votes(monkeypatch) -> None:
    from saidwhat.attribute import bio, component

    doc = load_pipeline(tagger="none")(
        "Opposition leaders have long doubted that the bridge can be finished by 2028.\n\n"
        '"We will not cut pensions," Finance Minister Lena Brask told reporters on Monday.'
    )
    fast = [(s.start, s.end, s.label_) for s in component._fast_tagger()([doc])[0]]
    accurate = component._accurate_tagger()
    assert fast and [(s.start, s.end, s.label_) for s in accurate([doc])[0]] != fast
    monkeypatch.setattr(bio, "VOTE", 1e6)  # an overwhelming vote: the fast tagger decides
    assert [(s.start, s.end, s.label_) for s in accurate([doc])[0]] == fast


def test_an_unknown_tagger_is_refused() -> None:
    nlp = spacy.blank("en")
    with pytest.raises(ConfigValidationError, match="'huge' is not"):
        nlp.add_pipe("saidwhat", config={"tagger": "huge"})
    with pytest.raises(ModelError, match="unknown tagger 'huge'"):
        Attributions(nlp, tagger="huge")  # type: ignore[arg-type]


def test_without_torch_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now fails
    monkeypatch.delitem(sys.modules, "saidwhat.attribute.transformer")  # so it is imported anew
    monkeypatch.delattr(saidwhat.attribute, "transformer")
    nlp = spacy.blank("en")
    with pytest.raises(ModelError, match="needs torch, a dependency of saidwhat: pip install"):
        nlp.add_pipe("saidwhat", config={"tagger": "accurate"})


def test_extract_command_takes_the_accurate_tagger() -> None:
    import json

    from click.testing import CliRunner

    from saidwhat.cli import main

    text = "The mayor said on Friday that the bridge would reopen in May."
    result = CliRunner().invoke(
        main, ["extract", "-", "--format", "json", "--tagger", "accurate"], input=text
    )
    assert result.exit_code == 0, result.output
    [record] = json.loads(result.stdout)
    [attribution] = record["attributions"]
    assert attribution["cue"]["text"] == "said"
    assert attribution["source"]["text"] == "The mayor"
    assert "the bridge would reopen in May" in attribution["content"]["text"]


def test_two_worker_processes_run_the_accurate_tagger() -> None:
    # Forked after torch had started its threads, the workers used to hang: run it in a
    # child process with a time limit so that a regression fails instead of stalling.
    import subprocess

    script = (
        "import saidwhat\n"
        "texts = ['The mayor said on Friday that the bridge would reopen in May.'] * 4\n"
        "docs = saidwhat.extract_many(texts, n_process=2, batch_size=1, tagger='accurate')\n"
        "print([a.cue.text for d in docs for a in d.attributions])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(["said"] * 4)


def test_a_token_without_word_pieces_is_left_out() -> None:
    # A zero-width space is a token of its own that the word pieces drop: it must neither
    # borrow another piece's scores nor break a document made only of such tokens.
    runner = transformer.load()
    vocab = spacy.blank("en").vocab
    doc = Doc(vocab, words=["Officials", "\u200b", "said", "no"])
    enc = transformer.encode(runner.tokenizer, doc, runner.deps, runner.tags)
    assert enc.tokens == [0, 2, 3]
    assert len(enc.first) == 3 and enc.first == sorted(set(enc.first))
    assert runner.tag([Doc(vocab, words=["\u200b", "\u200b"])]) == [[]]


def test_the_encoder_depth_is_stored_with_the_weights(tmp_path: Path) -> None:
    import json

    model = transformer.TransformerTagger(3, 3, pretrained=False, layers=2)
    deps, tags = {"nsubj": 2}, {"NN": 2}
    transformer.save_weights(model, deps, tags, tmp_path / "two")
    assert len(transformer.load(tmp_path / "two").model.enc.encoder.layer) == 2
    # weights stored before the depth was recorded are the full six layers
    full = transformer.TransformerTagger(3, 3, pretrained=False)
    transformer.save_weights(full, deps, tags, tmp_path)
    meta = json.loads((tmp_path / "meta.json").read_text())
    del meta["layers"]
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    assert len(transformer.load(tmp_path).model.enc.encoder.layer) == 6


def test_unreadable_weights_are_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / "meta.json").write_text('{"labels": [], "deps": {}, "tags": {}}')
    (tmp_path / "weights.safetensors").write_text("version https://git-lfs.github.com/spec/v1\n")
    with pytest.raises(ModelError, match="cannot be read"):
        transformer.load(tmp_path)


def test_without_torch_worker_processes_fail_in_one_line_instead_of_hanging() -> None:
    import subprocess

    script = (
        "import sys\n"
        "sys.modules['torch'] = None\n"
        "from saidwhat.cli import main\n"
        "main(['extract', '-', '--tagger', 'accurate', '--n-process', '2'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input="The mayor said the bridge would reopen.",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "needs torch" in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_weights_of_another_network_are_a_one_line_error(tmp_path: Path) -> None:
    import torch

    model = transformer.TransformerTagger(3, 3, pretrained=False)
    model.tag = torch.nn.Embedding(5, 32)  # not the tag count its meta.json gives
    transformer.save_weights(model, {"nsubj": 2}, {"NN": 2}, tmp_path)
    with pytest.raises(ModelError, match="weights of another network"):
        transformer.load(tmp_path)


def test_bfloat16_finds_the_same_spans_as_float32(monkeypatch: pytest.MonkeyPatch) -> None:
    if not transformer.native_bfloat16():
        pytest.skip("this CPU has no native bfloat16: the tagger runs in float32 here")
    runner = transformer.load()
    doc = load_pipeline(tagger="none")(
        "Finance Minister Lena Brask said on Monday that the budget would be balanced by 2028. "
        '"We will not cut pensions," she told reporters, adding that taxes would not rise.'
    )
    found = {}
    for half in (False, True):
        monkeypatch.setattr(runner, "bfloat16", half)
        found[half] = [(s.start, s.end, s.label_) for s in runner.tag([doc])[0]]
    assert found[True] == found[False] and found[True]
