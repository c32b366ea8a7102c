"""Topic explorer: pick a topic, see its sentences, scores, the words that drove them and KWIC.

In JupyterLab, :func:`explorer` shows an ipywidgets dropdown. Where widgets do not render (GitHub,
nbviewer, a notebook opened without its kernel), the same object carries a static HTML view of
every topic (collapsible sections), so the notebook still reads well. Both are built by
:func:`topic_view`, which returns deterministic HTML.
"""

from __future__ import annotations

import html

import pandas as pd

from .tone import analysis_contexts, scorers_in

SCORE_NAMES = {
    "polarity": "TextBlob",
    "vader_compound": "VADER",
    "tone": "tone",
    "subjectivity": "subj.",
}


def _labels(analysis) -> tuple[list[str], dict[str, str]]:
    lex = getattr(analysis, "lexicon", None)
    if lex is not None:
        return lex.keys, lex.labels
    keys = list(dict.fromkeys(analysis.topic_mentions["topic"]))
    return keys, {k: k for k in keys}


def _fmt(x) -> str:
    return "" if pd.isna(x) else f"{x:+.2f}"


def _table(df: pd.DataFrame, raw_html_cols: tuple[str, ...] = ()) -> str:
    head = "".join(f"<th style='text-align:left'>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for r in df.itertuples(index=False):
        cells = []
        for c, v in zip(df.columns, r, strict=True):
            v = v if c in raw_html_cols else html.escape(str(v))
            cells.append(f"<td style='text-align:left;vertical-align:top'>{v}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _mark(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """text[start:end] as HTML with the given spans in bold."""
    out, cursor = [], start
    for a, b in sorted(spans):
        if a < cursor or b > end:
            continue
        out += [html.escape(text[cursor:a]), f"<b>{html.escape(text[a:b])}</b>"]
        cursor = b
    out.append(html.escape(text[cursor:end]))
    return " ".join("".join(out).split())


def topic_sentences(analysis, topic: str) -> pd.DataFrame:
    """The sentences that mention ``topic``, with their scores (one row per sentence)."""
    m = analysis.topic_mentions
    keys = m.loc[m["topic"] == topic, ["para_no", "sent_no"]].drop_duplicates()
    cols = ["para_no", "sent_no", "start", "end", "text", *scorers_in(analysis.sentences)]
    return analysis.sentences.merge(keys, on=["para_no", "sent_no"])[cols]


def topic_drivers(analysis, topic: str) -> pd.DataFrame:
    """Words TextBlob scored in the sentences that mention ``topic``: ``word``, ``polarity``,
    ``times``, ``in_entity``; strongest first. Empty when there is no drivers table."""
    d = analysis.drivers
    cols = ["word", "polarity", "times", "in_entity"]
    if not len(d) or "sent_no" not in d:
        return pd.DataFrame(columns=cols)
    keys = topic_sentences(analysis, topic)[["para_no", "sent_no"]]
    d = d.merge(keys, on=["para_no", "sent_no"])
    d = d[d["polarity"] != 0]
    if not len(d):
        return pd.DataFrame(columns=cols)
    g = d.groupby(["words", "polarity", "in_entity"], as_index=False, sort=False).agg(
        word=("word", "first"), times=("word", "size")
    )
    g = g.assign(strength=g["polarity"].abs()).sort_values(
        ["strength", "word"], ascending=[False, True], kind="stable"
    )
    return g[cols].reset_index(drop=True)


def topic_kwic(analysis, topic: str, width: int = 45) -> pd.DataFrame:
    """Keyword in context for each mention of ``topic``.

    Columns: ``para_no``, ``left``, ``match``, ``right``.
    """
    text = analysis.article.text
    paras = analysis.paragraphs.set_index("para_no")
    rows = []
    for m in analysis.topic_mentions[analysis.topic_mentions["topic"] == topic].itertuples(
        index=False
    ):
        p0, p1 = paras.loc[m.para_no, "start"], paras.loc[m.para_no, "end"]
        left = " ".join(text[p0 : m.start].split())[-width:]
        right = " ".join(text[m.end : p1].split())[:width]
        pad_l = text[max(p0, m.start - 1) : m.start].isspace()
        pad_r = text[m.end : min(p1, m.end + 1)].isspace()
        rows.append(
            (
                int(m.para_no),
                left + (" " if pad_l else ""),
                m.matched,
                (" " if pad_r else "") + right,
            )
        )
    return pd.DataFrame(rows, columns=["para_no", "left", "match", "right"])


def topic_view(analysis, topic: str) -> str:
    """Deterministic HTML for one topic: a summary, the mention-level contexts with their scores,
    the sentences (mentions in bold), the words that drove TextBlob there, and KWIC lines."""
    keys, labels = _labels(analysis)
    label = labels.get(topic, topic)
    m = analysis.topic_mentions[analysis.topic_mentions["topic"] == topic]
    if not len(m):
        return (
            f"<div class='topic-view'><h4>{html.escape(label)}</h4><p>Not mentioned in this "
            "article: no term of the lexicon for this topic occurs in the body text.</p></div>"
        )
    text = analysis.article.text
    spans = [(int(a), int(b)) for a, b in zip(m["start"], m["end"], strict=True)]
    scorers = scorers_in(analysis.sentences)
    tt = analysis.topic_tone[analysis.topic_tone["topic"] == topic]
    summary = []
    for lv in ("paragraph", "sentence", "mention"):
        t = tt[tt["level"] == lv]
        if len(t):
            n = int(t["n"].iloc[0])
            means = ", ".join(f"{SCORE_NAMES[r.scorer]} {_fmt(r.mean)}" for r in t.itertuples())
            summary.append(
                f"<li><b>{lv}</b> level (n = {n}{', too few for a stable mean' if n < 5 else ''}): "
                f"{means}</li>"
            )
    parts = [
        f"<div class='topic-view'><h4>{html.escape(label)}</h4>",
        f"<p>{len(m)} mention(s) in {m['para_no'].nunique()} paragraph(s): "
        f"{html.escape(', '.join(dict.fromkeys(m['matched'])))}.</p><ul>{''.join(summary)}</ul>",
    ]

    ctx = analysis_contexts(analysis)
    ctx = ctx[ctx["topic"] == topic].drop_duplicates(["ctx_start", "ctx_end"])
    c = pd.DataFrame(
        {
            "¶": ctx["para_no"],
            "mention context": [
                _mark(text, a, b, spans)
                for a, b in zip(ctx["ctx_start"], ctx["ctx_end"], strict=True)
            ],
        }
    )
    for s in scorers:
        c[SCORE_NAMES[s]] = ctx[s].map(_fmt).to_numpy()
    parts += [
        "<p><b>Mention contexts</b> (the clause around each mention, scored on its own):</p>",
        _table(c, ("mention context",)),
    ]

    sents = topic_sentences(analysis, topic)
    t = pd.DataFrame(
        {
            "¶": sents["para_no"],
            "sent.": sents["sent_no"],
            "sentence": [
                _mark(text, a, b, spans) for a, b in zip(sents["start"], sents["end"], strict=True)
            ],
        }
    )
    for s in scorers:
        t[SCORE_NAMES[s]] = sents[s].map(_fmt).to_numpy()
    parts += ["<p><b>Sentences</b> that mention it:</p>", _table(t, ("sentence",))]

    d = topic_drivers(analysis, topic)
    if len(d):
        words = ", ".join(
            f"{html.escape(w)} ({p:+.2f}{', in a name' if e else ''})"
            for w, p, e in zip(d["word"], d["polarity"], d["in_entity"], strict=True)
        )
        parts.append(
            f"<p><b>Words that drove TextBlob</b> in these sentences, strongest first: {words}.</p>"
        )
    else:
        parts.append(
            "<p><b>Words that drove TextBlob</b>: none; no opinion word of its lexicon "
            "occurs in these sentences.</p>"
        )
    k = topic_kwic(analysis, topic)
    lines = "\n".join(f"¶{r.para_no:<3} {r.left:>46}[{r.match}]{r.right}" for r in k.itertuples())
    parts += [
        "<p><b>Keyword in context</b>:</p>",
        f"<pre style='font-size:85%'>{html.escape(lines)}</pre></div>",
    ]
    return "\n".join(parts)


def static_view(analysis, topics: list[str] | None = None, open_first: bool = True) -> str:
    """Every mentioned topic as a collapsible ``<details>`` section (works without widgets)."""
    keys, labels = _labels(analysis)
    mentioned = set(analysis.topic_mentions["topic"])
    topics = [t for t in (topics or keys) if t in mentioned]
    if not topics:
        return (
            "<p>No topic of the lexicon is mentioned in this article, "
            "so there is nothing to explore.</p>"
        )
    out = []
    for i, t in enumerate(topics):
        n = int((analysis.topic_mentions["topic"] == t).sum())
        attr = " open" if open_first and i == 0 else ""
        out.append(
            f"<details{attr}><summary><b>{html.escape(labels.get(t, t))}</b> "
            f"({n} mention{'s' if n != 1 else ''})</summary>\n{topic_view(analysis, t)}\n</details>"
        )
    return "\n".join(out)


class TopicExplorer:
    """A dropdown of topics and the :func:`topic_view` of the chosen one.

    Displays as an ipywidgets widget in JupyterLab; its HTML fallback (every topic, collapsible)
    is what GitHub and other static renderers show.
    """

    def __init__(self, analysis):
        import ipywidgets as W

        self.analysis = analysis
        keys, labels = _labels(analysis)
        mentioned = set(analysis.topic_mentions["topic"])
        self.topics = [k for k in keys if k in mentioned]
        options = [
            (f"{labels[k]} ({int((analysis.topic_mentions['topic'] == k).sum())})", k)
            for k in self.topics
        ]
        self.dropdown = W.Dropdown(
            options=options, description="Topic:", value=self.topics[0] if self.topics else None
        )
        self.view = W.HTML(self._render(self.dropdown.value))
        self.dropdown.observe(
            lambda ch: setattr(self.view, "value", self._render(ch["new"])), names="value"
        )
        self.widget = W.VBox([self.dropdown, self.view])

    def _render(self, topic) -> str:
        if topic is None:
            return static_view(self.analysis)
        return topic_view(self.analysis, topic)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle = dict(bundle)
        bundle["text/plain"] = f"TopicExplorer({len(self.topics)} topics mentioned)"
        bundle["text/html"] = static_view(self.analysis)
        return bundle


def explorer(analysis) -> TopicExplorer:
    """The topic explorer for one analysis (see :class:`TopicExplorer`)."""
    return TopicExplorer(analysis)
