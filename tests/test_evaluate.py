"""The evaluation harness: reading ICWSM ground truth, metrics, group folds, the table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from article_tone.errors import ArticleError
from article_tone.evaluate import (
    TABLE_COLUMNS,
    cli,
    evaluate,
    format_table,
    group_folds,
    macro_f1,
    pearson,
    read_ground_truth,
    share_zero,
    spearman,
    three_class,
)
from tests.conftest import require_shared

ROWS = [
    ("1_1", 2.5, "This is a wonderful, generous plan."),
    ("1_2", -3.0, "The war was a brutal and needless disaster."),
    ("2_1", 0.0, "The committee meets on Tuesday."),
    ("2_2", 1.2, "Congress isn't a bad place to start."),
    ("3_1", -1.6, "Voters are angry about the deficit."),
    ("3_2", 0.1, "The report runs to 40 pages."),
]


def write_gt(path, rows=ROWS, newline="\n", bom=False):
    text = newline.join(f"{i}\t{r}\t{t}" for i, r, t in rows) + newline
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    "newline,bom", [("\n", False), ("\r\n", False), ("\r\n", True), ("\n", True)]
)
def test_read_ground_truth_handles_crlf_and_bom(tmp_path, newline, bom):
    gt = read_ground_truth(write_gt(tmp_path / "gt.tsv", newline=newline, bom=bom))
    assert list(gt.columns) == ["id", "article", "rating", "text"]
    assert len(gt) == 6
    assert gt["id"].iloc[0] == "1_1"  # no BOM left on the first id
    assert gt["article"].tolist() == ["1", "1", "2", "2", "3", "3"]
    assert gt["rating"].tolist() == [2.5, -3.0, 0.0, 1.2, -1.6, 0.1]
    assert not gt["text"].str.contains("\r").any()


def test_read_ground_truth_id_without_underscore_is_its_own_article(tmp_path):
    gt = read_ground_truth(write_gt(tmp_path / "m.tsv", rows=[("17", 1.0, "Fine.")]))
    assert gt["article"].tolist() == ["17"]


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"1_1\t0.5\n", "line 1: expected id<TAB>rating<TAB>text"),
        (b"1_1\tgood\tNice.\n", "not a number"),
        (b"1_1\t5.5\tNice.\n", "outside [-4, 4]"),
        (b"\n\n", "no sentences"),
        (b"1_1\t0.5\t\xff\xfe bad\n", "not UTF-8"),
    ],
)
def test_bad_ground_truth_raises_article_error(tmp_path, content, reason):
    path = tmp_path / "bad.tsv"
    path.write_bytes(content)
    with pytest.raises(ArticleError) as err:
        read_ground_truth(path)
    assert str(path) in str(err.value) and reason in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_file_raises_article_error(tmp_path):
    with pytest.raises(ArticleError, match="missing.tsv"):
        read_ground_truth(tmp_path / "missing.tsv")


def test_metrics_on_known_values():
    y = np.array([-0.5, -0.2, 0.0, 0.3, 0.6])
    assert pearson(y, 2 * y + 1) == pytest.approx(1.0)
    assert pearson(y, -y) == pytest.approx(-1.0)
    assert spearman(y, y**3) == pytest.approx(1.0)
    assert np.isnan(pearson(y, np.zeros(5)))
    assert share_zero([0.0, 0.1, 0.0, -0.2]) == 0.5
    assert three_class([0.05, 0.049, -0.05, -0.049]).tolist() == [1, 0, -1, 0]


def test_macro_f1_perfect_and_neutral_band():
    human = np.array([-0.5, 0.0, 0.04, 0.5])  # classes -1, 0, 0, +1 (|h| < 0.05 is neutral)
    assert macro_f1(human, human) == pytest.approx(1.0)
    # a scorer that says 0 everywhere gets the neutral class right only: F1 = (0 + 2/3 + 0) / 3
    assert macro_f1(human, np.zeros(4)) == pytest.approx((2 * 2 / (2 * 2 + 2)) / 3)


def test_group_folds_never_split_an_article():
    groups = np.repeat([f"a{i}" for i in range(30)], 4)
    folds = group_folds(groups, 10)
    assert set(folds) == set(range(10))
    per_group = pd.Series(folds).groupby(groups).nunique()
    assert (per_group == 1).all()
    assert (group_folds(groups, 10) == folds).all()  # deterministic


def test_evaluate_small_unseen_file_uses_committed_model(tmp_path):
    table = evaluate(write_gt(tmp_path / "gt.tsv"))
    assert list(table.columns) == TABLE_COLUMNS
    assert table["scorer"].tolist()[:3] == ["textblob_polarity", "vader_compound", "tone"]
    tone = table.set_index("scorer").loc["tone"]
    assert tone["evaluation"] == "committed model"
    assert tone["n"] == 6 and tone["share_zero"] == 0.0
    text = format_table(table)
    assert "tone" in text and "vader_compound" in text


def test_cli_prints_table_and_reports_bad_input(tmp_path, capsys):
    assert cli(write_gt(tmp_path / "gt.tsv")) == 0
    out = capsys.readouterr().out
    assert "textblob_polarity" in out and "tone" in out
    bad = tmp_path / "bad.tsv"
    bad.write_text("nonsense\n")
    assert cli(bad) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {bad}: ")


@pytest.mark.slow
@pytest.mark.shared
def test_dev_file_tone_is_cross_validated_and_beats_the_lexicons():
    path = require_shared("validation", "nyt_editorials_dev.tsv")
    table = evaluate(path).set_index("scorer")
    assert table.loc["tone", "evaluation"] == "10-fold group CV"  # never in-sample on its own data
    assert table.loc["tone", "n"] == 2447
    # published figures: TextBlob about 0.3, VADER about 0.5 (tolerances for library drift)
    assert table.loc["textblob_polarity", "pearson_r"] == pytest.approx(0.29, abs=0.04)
    assert table.loc["vader_compound", "pearson_r"] == pytest.approx(0.51, abs=0.04)
    assert table.loc["textblob_polarity", "share_zero"] == pytest.approx(0.37, abs=0.03)
    assert table.loc["tone", "pearson_r"] > table.loc["vader_compound", "pearson_r"] + 0.05
    assert table.loc["tone", "pearson_r"] > 0.55  # the floor of the issue


def test_committed_evaluation_tables_match_the_contract(root):
    scorers = pd.read_csv(root / "data" / "evaluation" / "scorers.csv")
    assert {"textblob_polarity", "vader_compound", "tone"} <= set(scorers["scorer"])
    cv = scorers[(scorers["scorer"] == "tone") & scorers["evaluation"].str.contains("group CV")]
    assert len(cv) == 1
    preds = pd.read_csv(root / "data" / "evaluation" / "cv_predictions.csv")
    assert list(preds.columns[:5]) == [
        "id",
        "article",
        "human",
        "textblob_polarity",
        "vader_compound",
    ]
    assert "tone" in preds.columns and "text" not in preds.columns  # ratings and ids only
    assert preds["human"].between(-1, 1).all() and preds["tone"].between(-1, 1).all()
    assert pearson(preds["human"], preds["tone"]) == pytest.approx(
        cv["pearson_r"].iloc[0], abs=1e-9
    )


def _topic_tone():
    rows = []
    for topic, means in {
        "economy": (0.2, 0.3, 0.1),
        "war": (-0.1, -0.4, -0.3),
        "schools": (0.05, -0.05, 0.02),
    }.items():
        for scorer, m in zip(["polarity", "vader_compound", "tone"], means, strict=True):
            rows.append(
                {
                    "topic": topic,
                    "level": "sentence",
                    "scorer": scorer,
                    "n": 5,
                    "mean": m,
                    "ci_low": m - 0.1,
                    "ci_high": m + 0.1,
                }
            )
    return pd.DataFrame(rows)


def test_topic_ranking_and_agreement():
    from article_tone.evaluate import ranking_agreement, topic_ranking

    ranking = topic_ranking(_topic_tone())
    assert ranking.index.tolist() == ["economy", "schools", "war"]  # ordered by tone
    assert ranking["rank_tone"].tolist() == [1, 2, 3]
    agree = ranking_agreement(ranking).set_index(["scorer_a", "scorer_b"])
    assert agree.loc[("polarity", "tone"), "spearman_rho"] == pytest.approx(1.0)
    assert agree.loc[("polarity", "vader_compound"), "sign_flips"] == 1  # schools


def test_ranking_agreement_in_words_says_when_there_is_nothing_to_compare():
    from article_tone.evaluate import describe_ranking_agreement, ranking_agreement, topic_ranking

    ranking = topic_ranking(_topic_tone())
    text = describe_ranking_agreement(ranking_agreement(ranking))
    assert "TextBlob polarity vs VADER compound: topic order rho = 1.00; 1 of 3 topics" in text
    two = describe_ranking_agreement(ranking_agreement(ranking.iloc[:2]))
    assert "only 2 topics, too few to compare an order" in two and "nan" not in two
    none = describe_ranking_agreement(ranking_agreement(ranking.iloc[:0]))
    assert none.startswith("No topic of the lexicon is mentioned")


def test_reliability_charts_return_figures(root):
    import matplotlib

    matplotlib.use("Agg")
    from article_tone.calibrated import explain_tone
    from article_tone.plots import reliability

    table = pd.read_csv(root / "data" / "evaluation" / "scorers.csv")
    preds = pd.read_csv(root / "data" / "evaluation" / "cv_predictions.csv")
    figs = [
        reliability.agreement_bars(table, reference=0.745),
        reliability.human_scatter(preds),
        reliability.topic_tone_by_scorer(_topic_tone()),
        reliability.explanation_bars(explain_tone("The war was a disaster.")),
    ]
    assert all(isinstance(f, matplotlib.figure.Figure) for f in figs)
    assert len(figs[1].axes) == len(
        [c for c in preds.columns if c not in ("id", "article", "human")]
    )
