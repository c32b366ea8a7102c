"""Charts of sentiment and terms, tested through the data they plot."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from article_tone.plots import sentiment as ps  # noqa: E402
from article_tone.plots import terms as pt  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_figures_registered_and_render(seed_analysis):
    names = set(ps.FIGURES) | set(pt.FIGURES)
    assert {
        "sentiment-arc",
        "polarity-vs-subjectivity",
        "drivers",
        "textblob-vs-vader",
        "top-terms",
        "terms-heatmap",
        "tfidf-terms",
        "bigrams",
    } <= names
    assert "tone-arc" not in names
    for build in list(ps.FIGURES.values()) + list(pt.FIGURES.values()):
        fig, data = build(seed_analysis)
        assert isinstance(data, pd.DataFrame) and len(data)
        assert fig.axes


def test_arc_data(seed_analysis):
    d = ps.arc_data(seed_analysis.paragraphs, seed_analysis.sentences)
    n_p, n_s = len(seed_analysis.paragraphs), len(seed_analysis.sentences)
    assert len(d) == 2 * (n_p + n_s)
    s = d[d.level == "sentence"]
    assert ((s.x > s.para_no - 0.5) & (s.x < s.para_no + 0.5)).all()
    p = d[(d.level == "paragraph") & (d.scorer == "polarity")].set_index("para_no")["value"]
    assert p[1] < 0 < p[5]


def test_drivers_data_adds_up(seed_analysis):
    d = ps.drivers_data(seed_analysis.drivers)
    assert (d.polarity != 0).all()
    sums = d.groupby("para_no")["contribution"].sum()
    pol = seed_analysis.paragraphs.set_index("para_no")["polarity"]
    for pn, v in sums.items():
        assert v == pytest.approx(pol[pn], abs=1e-9)
    assert d[(d.para_no == 1) & (d.word == "Black")].in_entity.all()


def test_agreement(seed_analysis):
    a = ps.scorer_agreement(seed_analysis.sentences)
    assert set(a.verdict) <= {"agree", "one neutral", "opposite"}
    row = a[(a.para_no == 5)].iloc[0]  # TextBlob mildly positive, VADER strongly negative
    assert row.verdict == "opposite"


def test_empty_inputs_give_a_message_not_an_empty_chart():
    empty_drivers = pd.DataFrame(
        columns=["para_no", "sent_no", "words", "word", "polarity", "subjectivity", "in_entity"]
    )
    fig = ps.drivers_chart(ps.drivers_data(empty_drivers))
    assert "non-zero" in fig.axes[0].texts[0].get_text()
    assert pt.top_terms_chart(pd.DataFrame(columns=["term", "count"])).axes[0].texts


def test_heatmap_data(seed_analysis):
    h = pt.heatmap_data(seed_analysis, 5)
    assert h.term.nunique() == 5
    assert h.para_no.nunique() == len(seed_analysis.paragraphs)
    assert int(h[h.term == "russia"]["count"].sum()) == 8
