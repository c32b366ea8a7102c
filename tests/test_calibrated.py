"""The calibrated tone model: range, determinism, directions, explanations, artefact errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from article_tone import calibrated
from article_tone.calibrated import (
    BASE_COLUMNS,
    FEATURE_COLUMNS,
    LEXICON_FILE,
    MODEL_FILE,
    ModelError,
    base_scores,
    explain_tone,
    features,
    load_model,
    predict_tone,
    tfidf_matrix,
)
from article_tone.errors import ArticleError

POSITIVE = "The plan is a triumph of generosity and good sense."
NEGATIVE = "The war left thousands dead and the economy in ruins."
NEUTRAL = "The committee meets on Tuesday."


def test_artefacts_are_small_plain_json():
    for path in (MODEL_FILE, LEXICON_FILE):
        assert path.stat().st_size < 2_000_000
        json.loads(path.read_text(encoding="utf-8"))  # plain JSON, no pickle
    total = sum(p.stat().st_size for p in MODEL_FILE.parent.iterdir() if p.is_file())
    assert total < 5_000_000
    from article_tone.train import DISTIL_FILE, DISTIL_FORMAT

    with np.load(DISTIL_FILE, allow_pickle=False) as z:  # arrays only
        assert str(z["format"]) == DISTIL_FORMAT
        assert z["by_fold"].shape == (10, len(z["key"])) == (10, len(z["final"]))
        assert np.all(np.abs(z["final"]) <= 1)
    model = load_model()
    assert [f["name"] for f in model["features"]] == FEATURE_COLUMNS
    assert len(model["tfidf"]["vocabulary"]) == len(model["tfidf"]["weights"]) > 1000
    assert "text" not in json.dumps(model["training_text_keys"][:5])  # hashes, not sentences


def test_tone_in_range_and_ordered():
    tone = predict_tone([POSITIVE, NEGATIVE, NEUTRAL, "", "!!!"])
    assert tone.shape == (5,) and tone.dtype == np.float64
    assert np.all((tone >= -1) & (tone <= 1))
    assert tone[0] > 0.2 and tone[1] < -0.2
    assert abs(tone[2]) < 0.15  # a flat factual sentence stays near zero
    assert predict_tone([]).shape == (0,)


def test_deterministic_and_batch_independent():
    texts = [POSITIVE, NEGATIVE, NEUTRAL]
    a = predict_tone(texts)
    assert np.array_equal(a, predict_tone(texts))
    assert predict_tone([NEGATIVE])[0] == a[1]  # bit for bit, whatever the batch


def test_base_scores_passed_in_give_the_same_tone():
    texts = [POSITIVE, NEGATIVE, NEUTRAL]
    base = base_scores(texts)
    assert list(base.columns) == BASE_COLUMNS
    np.testing.assert_allclose(predict_tone(texts, base=base), predict_tone(texts))
    # only the three columns score_sentences has: the rest is computed here
    np.testing.assert_allclose(
        predict_tone(texts, base=base[["polarity", "subjectivity", "vader_compound"]]),
        predict_tone(texts),
    )
    with pytest.raises(ValueError, match="rows"):
        predict_tone(texts, base=base.iloc[:2])


def test_base_as_array_gives_the_same_tone_bit_for_bit():
    texts = [POSITIVE, NEGATIVE, NEUTRAL]
    base = base_scores(texts)
    got = predict_tone(texts, base=base[BASE_COLUMNS].to_numpy())
    assert got.tobytes() == predict_tone(texts, base=base).tobytes()
    with pytest.raises(ValueError, match="shape"):
        predict_tone(texts, base=base[BASE_COLUMNS[:3]].to_numpy())


TOKENIZING = [
    "Don't stop: it's the U.S.'s 3rd try, isn't it?",
    "Tabs\tand\u00a0no-break\u2003em\u3000ideographic spaces, a\nnew line",
    "The \u212aelvin sign and \u0130stanbul lower-case into ASCII letters",
    "caf\u00e9 na\u00efve r\u00e9sum\u00e9's \u039f\u0394\u039f\u03a3 \u03a3",
    "'quoted' \"double\" \u201ccurly\u201d rock'n'roll o'clock ''twice''",
    "War, war and WAR: the war's cost. 1999-2004, \u00a35bn; McDonald's",
    "",
    "   ",
]


def test_chunk_cached_word_features_equal_whole_text_regexes():
    # Tokens, digits and capitals are counted per whitespace-separated chunk (and cached): the
    # counts must be those of the regexes over the whole text.
    w = features(TOKENIZING)
    for i, t in enumerate(TOKENIZING):
        toks = calibrated.WORD_RE.findall(t.lower())
        assert w["n_words"][i] == len(toks), t
        n = max(len(toks), 1)
        assert w["digits"][i] == len(calibrated.DIGIT_RE.findall(t)) / max(len(t), 1), t
        assert w["capitalised"][i] == len(calibrated.CAPITALISED_RE.findall(t)) / n, t


def test_chunk_cached_tfidf_equals_whole_text_tokenizing():
    t = load_model()["tfidf"]
    cached = calibrated._Tfidf(t)
    whole = calibrated._Tfidf(dict(t, token_pattern=t["token_pattern"] + "(?:)"))  # not chunked
    assert cached._chunks is not None and whole._chunks is None
    for text in TOKENIZING + [POSITIVE, NEGATIVE, NEUTRAL]:
        assert cached.row(text) == whole.row(text), text
        assert cached.dot(text) == whole.dot(text), text


def test_tone_of_a_text_joined_from_others_equals_its_own():
    # A paragraph scored from its sentences gets its word features and TF-IDF counts from
    # theirs (calibrated._predict with joins): the same tone, bit for bit, as on its own.
    from article_tone.sentiment import score_sentences

    sents = TOKENIZING + [POSITIVE, NEGATIVE, NEUTRAL, "It isn't a bad idea, but not good."]
    paras = [" ".join(sents[i : i + k]) for k in (2, 3) for i in range(len(sents) - k + 1)]
    texts = sents + paras
    joins, at = {}, len(sents)
    for k in (2, 3):
        for i in range(len(sents) - k + 1):
            joins[at] = list(range(i, i + k))
            at += 1
    s = score_sentences(texts)
    base = s[["polarity", "subjectivity", "vader_compound"]].to_numpy()
    vd = calibrated._vader()
    pnn = [[vd.polarity_scores(t)[k] for k in ("pos", "neg", "neu")] for t in texts]
    base = np.column_stack([base, np.array(pnn)])
    joined = calibrated._predict(texts, base, joins)
    alone = calibrated._predict(texts, base)
    assert joined.tobytes() == alone.tobytes()
    assert joined.tobytes() == predict_tone(texts, base=base).tobytes()
    # Both use the shared per-chunk cache (_ChunkParts); a token pattern that cannot be
    # chunked takes the path that tokenizes each whole text, and must give the same tone.
    model = load_model()
    whole = dict(model, tfidf=dict(model["tfidf"], token_pattern=model["tfidf"]["token_pattern"]
                                   + "(?:)"))
    assert calibrated._compiled(whole).tfidf._chunks is None
    assert calibrated._predict(texts, base, joins, model=whole).tobytes() == joined.tobytes()
    assert calibrated._predict(texts, base, model=whole).tobytes() == joined.tobytes()


def test_negated_negative_is_less_negative():
    # A known weakness, measured rather than hidden: "isn't a bad idea" is mildly positive to a
    # reader; tone does not reach positive, but it moves the right way from "is a bad idea".
    negated, plain = predict_tone(
        ["Raising the tax isn't a bad idea.", "Raising the tax is a bad idea."]
    )
    assert negated > plain + 0.1


def test_entity_words_do_not_swing_tone_much():
    tone = predict_tone(["Ships crossed the Black Sea on Monday."])[0]
    polarity = base_scores(["Ships crossed the Black Sea on Monday."])["polarity"].iloc[0]
    assert polarity < -0.1  # TextBlob reads "Black" as negative
    assert abs(tone) < abs(polarity)


def test_explanation_adds_up_to_the_raw_score():
    for text in (POSITIVE, NEGATIVE, "Raising the tax isn't a bad idea."):
        ex = explain_tone(text)
        assert list(ex.columns) == ["feature", "value", "weight", "contribution"]
        assert ex["feature"].iloc[-1] == "intercept"
        body = ex.iloc[:-1]["contribution"].abs().to_numpy()
        assert np.all(np.diff(body) <= 0)  # sorted by |contribution|
        raw = ex["contribution"].sum()
        assert np.clip(raw, -1, 1) == pytest.approx(predict_tone([text])[0], abs=1e-9)


def test_explanation_names_the_words():
    ex = explain_tone(NEGATIVE).set_index("feature")
    assert "word:war" in ex.index or "word:ruins" in ex.index
    words = ex[ex.index.str.startswith("word:")]
    assert (words["contribution"] == words["value"] * words["weight"]).all()


def test_tfidf_rebuild_matches_scikit_learn():
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["The war was long.", "A good, good plan; the war ended.", "Nothing here."]
    vec = TfidfVectorizer(token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z']+\b", sublinear_tf=True).fit(texts)
    spec = {
        "vocabulary": vec.get_feature_names_out().tolist(),
        "idf": vec.idf_.tolist(),
        "token_pattern": vec.token_pattern,
        "lowercase": True,
    }
    np.testing.assert_allclose(tfidf_matrix(texts, spec).toarray(), vec.transform(texts).toarray())


def test_features_are_finite_and_named():
    f = features([POSITIVE, "", "1234"])
    assert list(f.columns) == FEATURE_COLUMNS
    assert np.isfinite(f.to_numpy()).all()


@pytest.mark.parametrize(
    "content,reason",
    [
        (None, "missing"),
        ("{not json", "unreadable"),
        ('{"format": "other"}', "not a"),
        ('{"format": "article-tone/tone-model"}', "malformed"),
    ],
)
def test_missing_or_corrupt_model_names_the_file(tmp_path, monkeypatch, content, reason):
    path = tmp_path / "tone_model.json"
    if content is not None:
        path.write_text(content)
    monkeypatch.setattr(calibrated, "MODEL_FILE", path)
    calibrated.load_model.cache_clear()
    try:
        with pytest.raises(ModelError) as err:
            predict_tone([POSITIVE])
        assert isinstance(err.value, ArticleError)
        assert str(path) in str(err.value) and reason in str(err.value)
    finally:
        calibrated.load_model.cache_clear()


def test_speed_beyond_base_scores():
    # The corpus pipeline calls predict_tone once per article: the fixed cost of a call matters as
    # much as the cost per text. Budgets 0.5 ms a call and 0.05 ms a text; 4x slack for busy CI.
    import time

    texts = [POSITIVE, NEGATIVE, NEUTRAL, "Raising the tax isn't a bad idea."] * 1000
    base = base_scores(texts[:4])
    one = base.iloc[:1].reset_index(drop=True)
    base = pd.concat([base] * 1000, ignore_index=True)
    predict_tone(texts[:4], base=base.iloc[:4])  # load once
    t0 = time.perf_counter()
    predict_tone(texts, base=base)
    assert (time.perf_counter() - t0) / len(texts) < 4 * 0.05e-3
    calls = []
    for _ in range(5):  # best of 5 rounds of 50 one-sentence calls
        t0 = time.perf_counter()
        for _ in range(50):
            predict_tone(texts[:1], base=one)
        calls.append((time.perf_counter() - t0) / 50)
    assert min(calls) < 4 * 0.5e-3


def test_fast_path_matches_scikit_learn_recipe():
    # The hot path tokenises and looks words up itself; it must equal the scikit-learn pipeline
    # (CountVectorizer with the stored vocabulary -> sublinear tf x idf -> L2 -> dot weights).
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    model = load_model()
    t = model["tfidf"]
    texts = [POSITIVE, NEGATIVE, NEUTRAL, "", "War, war and WAR: the war's cost.", "Don't."]
    vec = CountVectorizer(
        vocabulary={w: i for i, w in enumerate(t["vocabulary"])},
        token_pattern=t["token_pattern"],
        lowercase=True,
    )
    x = vec.transform(texts).astype("float64")
    x.data = 1.0 + np.log(x.data)
    x = normalize(x.multiply(np.asarray(t["idf"])).tocsr(), norm="l2")
    np.testing.assert_allclose(tfidf_matrix(texts, t).toarray(), x.toarray(), atol=1e-14)
    f = features(texts)
    names = [d["name"] for d in model["features"]]
    z = (f[names].to_numpy() - [d["mean"] for d in model["features"]]) / [
        d["scale"] for d in model["features"]
    ]
    raw = model["intercept"] + z @ [d["weight"] for d in model["features"]] + x @ t["weights"]
    np.testing.assert_allclose(predict_tone(texts), np.clip(raw, -1, 1), rtol=0, atol=1e-12)


def test_bit_identical_across_processes_with_other_hash_seeds(tmp_path):
    # Dask workers are separate processes with different PYTHONHASHSEEDs: nothing may depend on
    # the iteration order of a set or dict of str.
    import os
    import subprocess
    import sys

    texts = [POSITIVE, NEGATIVE, NEUTRAL, "Raising the tax isn't a bad idea.", "A war, a war."]
    code = (
        "import sys, json\n"
        "from article_tone.calibrated import predict_tone\n"
        "texts = json.loads(sys.stdin.read())\n"
        "print(predict_tone(texts).tobytes().hex())\n"
    )
    outs = []
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        res = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outs.append(res.stdout.strip())
    here = predict_tone(texts).tobytes().hex()
    assert outs[0] == outs[1] == outs[2] == here


def test_extra_rows_teach_words_the_ratings_never_show():
    # Distillation: unrated sentences with a teacher's score join training; a word seen only there
    # gets a weight with the teacher's sign.
    from article_tone.train import fit_model

    rated = ["The plan is fine.", "The plan is bad.", "Rain fell on Monday.", "A good result."]
    # made-up words: no lexicon knows them, so only their TF-IDF weight can carry the target
    extra = ["A zorbly plan.", "Zorbly news for all.", "A quimbish plan.", "Quimbish news again."]
    m = fit_model(
        rated, [2, -2, 0, 2], alpha=1.0, extra=(extra, [0.6, 0.6, -0.6, -0.6], None), weight=5.0
    )
    w = dict(zip(m["tfidf"]["vocabulary"], m["tfidf"]["weights"], strict=True))
    assert w["zorbly"] > 0.05 and w["quimbish"] < -0.05
    assert m["n_distil"] == 4 and m["rated_weight"] == 5.0
    plain = fit_model(rated, [2, -2, 0, 2], alpha=1.0)
    assert "zorbly" not in plain["tfidf"]["vocabulary"] and plain["n_distil"] == 0


def test_distil_sentences_and_labels_match_by_hash(tmp_path):
    from article_tone.evaluate import text_key
    from article_tone.train import DISTIL_FORMAT, distil_sentences, load_distil

    corpus = tmp_path / "bbc"
    (corpus / "business").mkdir(parents=True)
    (corpus / "business" / "001.txt").write_text(
        "Title Line Here Now\n\nShares rose sharply on Monday. Investors were pleased with it!"
        '\n\nToo short. The bank said "profits fell" again this year.\n'
    )
    (corpus / "business" / "002.txt").write_text("T\n\nShares rose  sharply on monday.\n")
    sents = distil_sentences(corpus)
    assert sents == [
        "Shares rose sharply on Monday.",
        "Investors were pleased with it!",
        'The bank said "profits fell" again this year.',
    ]  # title, short and repeated (case/space) sentences left out
    path = tmp_path / "labels.npz"
    keys = [text_key(sents[2]), "000000000000", text_key(sents[0])]
    np.savez_compressed(
        path,
        format=np.array(DISTIL_FORMAT),
        key=np.array(keys),
        final=np.array([-0.5, 0.9, 0.25], dtype=np.float32),
        by_fold=np.array([[-0.4, 0.8, 0.2], [-0.3, 0.7, 0.1]], dtype=np.float32),
        fingerprint=np.array("abc"),
    )
    d = load_distil(path, corpus)
    assert d.texts == [sents[0], sents[2]]  # corpus order; the sentence without a label dropped
    np.testing.assert_allclose(d.final, [0.25, -0.5])
    np.testing.assert_allclose(d.for_fold(1)[1], [0.1, -0.3], rtol=1e-6)
    assert list(d.base.columns) == BASE_COLUMNS and len(d.base) == 2
    assert load_distil(tmp_path / "missing.npz", corpus) is None
