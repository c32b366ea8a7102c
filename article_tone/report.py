"""HTML views: the whole article with each sentence shaded by its tone and topic mentions marked.

The HTML is deterministic (no random ids, no timestamps, fixed number formatting), so a notebook
that displays it passes nbval's strict comparison, and the same analysis gives the same bytes.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from .plots.style import NEGATIVE_COLOR, POSITIVE_COLOR, SCORER_LABELS, topic_colors

_WS = re.compile(r"\s+")
GREY_KINDS = {"caption", "footer", "section", "dateline", "byline", "editor_note"}


def _rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return tuple(int(h[i : i + 2], 16) for i in (0, 2, 4))


def tone_background(score: float, scale: float = 1.0) -> str:
    """CSS background for a score in [-1, 1]: green for positive, red for negative; the
    opacity grows with |score| / ``scale`` (capped at 0.55 so the text stays readable)."""
    if score is None or pd.isna(score) or score == 0:
        return "transparent"
    r, g, b = _rgb(POSITIVE_COLOR if score > 0 else NEGATIVE_COLOR)
    alpha = min(abs(float(score)) / scale, 1.0) * 0.55
    return f"rgba({r},{g},{b},{alpha:.3f})"


def _esc(raw: str) -> str:
    return html.escape(_WS.sub(" ", raw), quote=False)


def _segments(text: str, a: int, b: int, marks: list[tuple[int, int, str]]):
    """Split text[a:b] at mention boundaries: [(start, end, topics covering it)]."""
    cuts = {a, b}
    for s, e, _ in marks:
        if s < b and e > a:
            cuts.update((max(s, a), min(e, b)))
    cuts = sorted(cuts)
    out = []
    for s, e in zip(cuts, cuts[1:], strict=False):
        topics = [t for ms, me, t in marks if ms <= s and e <= me]
        out.append((s, e, list(dict.fromkeys(topics))))
    return out


def _marked(text, a, b, marks, colors, labels) -> str:
    parts = []
    for s, e, topics in _segments(text, a, b, marks):
        piece = _esc(text[s:e])
        if topics:
            color = colors.get(topics[0], "#333333")
            names = ", ".join(labels.get(t, t) for t in topics)
            parts.append(
                f'<mark class="topic" data-topics="{";".join(topics)}" '
                f'title="{html.escape(names)}" '
                f'style="background:none;border-bottom:3px solid {color};font-weight:600;'
                f'color:inherit">{piece}</mark>'
            )
        else:
            parts.append(piece)
    return "".join(parts)


def highlighted_html(analysis, scorer: str | None = None, title: str | None = None) -> str:
    """The tone-highlighted article as a self-contained HTML fragment (a ``<div>``).

    Each body sentence is shaded by ``scorer`` (default: calibrated ``tone`` when present, else
    ``polarity``), with its scores in a tooltip; topic mentions are underlined in the topic's
    colour; headline, byline, captions and footer are shown greyed out (they are not scored).
    """
    sentences = analysis.sentences
    if scorer is None:
        scorer = "tone" if "tone" in sentences.columns else "polarity"
    if scorer not in sentences.columns:
        raise ValueError(f"no {scorer!r} column in the sentences table")
    lex = getattr(analysis, "lexicon", None)
    keys = lex.keys if lex is not None else list(dict.fromkeys(analysis.topic_mentions["topic"]))
    labels = lex.labels if lex is not None else {k: k for k in keys}
    colors = topic_colors(keys)
    text = analysis.article.text
    mentions = analysis.topic_mentions
    marks = [(int(m.start), int(m.end), m.topic) for m in mentions.itertuples(index=False)]
    score_cols = [
        c for c in ("polarity", "subjectivity", "vader_compound", "tone") if c in sentences
    ]
    by_para = {p: g for p, g in sentences.groupby("para_no")}
    strongest = float(sentences[scorer].abs().max()) if len(sentences) else 0.0
    scale = max(strongest, 0.05) if strongest == strongest else 1.0  # NaN-safe

    out = [
        '<div class="tone-article" style="font-family:Georgia,serif;line-height:1.6;'
        'max-width:46em">'
    ]
    if title:
        out.append(f"<h3>{html.escape(title)}</h3>")
    out.append(
        _legend(
            scorer, scale, keys, labels, colors, set(mentions["topic"]) if len(mentions) else set()
        )
    )
    for block in analysis.article.blocks.itertuples(index=False):
        if block.kind == "body":
            para = int(block.para_no)
            pieces = []
            cursor = block.start
            for s in by_para.get(para, pd.DataFrame()).itertuples(index=False):
                if s.start > cursor:
                    pieces.append(_esc(text[cursor : s.start]))
                tip = "; ".join(f"{c} {getattr(s, c):+.2f}" for c in score_cols)
                tip = f"¶{para} sentence {s.sent_no}: {tip}"
                if s.topics:
                    tip += f"; topics: {s.topics}"
                pieces.append(
                    f'<span class="sentence" data-para="{para}" data-sent="{s.sent_no}" '
                    f'title="{html.escape(tip)}" '
                    f'style="background:{tone_background(getattr(s, scorer), scale)}">'
                    f"{_marked(text, s.start, s.end, marks, colors, labels)}</span>"
                )
                cursor = s.end
            if cursor < block.end:
                pieces.append(_esc(text[cursor : block.end]))
            out.append(
                f'<p class="body" data-para="{para}"><sup style="color:#888">¶{para}</sup> '
                + "".join(pieces)
                + "</p>"
            )
        else:
            tag = "h4" if block.kind == "headline" else "p"
            out.append(
                f'<{tag} class="{block.kind}" style="color:#9e9e9e;font-style:italic">'
                f"{_esc(block.text)}</{tag}>"
            )
    out.append("</div>")
    return "\n".join(out)


def _legend(scorer, scale, keys, labels, colors, present) -> str:
    lo, hi = tone_background(-0.8), tone_background(0.8)
    items = [
        f'<span style="background:{lo};padding:0 .4em">negative</span> '
        f'<span style="padding:0 .4em">neutral</span> '
        f'<span style="background:{hi};padding:0 .4em">positive</span>'
        f" — sentences shaded by {html.escape(SCORER_LABELS.get(scorer, scorer))}"
        f" (full colour at ±{scale:.2f}, the strongest sentence; hover a sentence for its scores)"
    ]
    topics = [
        f'<span style="border-bottom:3px solid {colors[k]};font-weight:600">'
        f"{html.escape(labels.get(k, k))}</span>"
        for k in keys
        if k in present
    ]
    items.append("Topics mentioned: " + (" · ".join(topics) if topics else "none of the lexicon's"))
    items.append(
        '<span style="color:#9e9e9e;font-style:italic">Grey: headline, byline, captions '
        "and footer, not scored.</span>"
    )
    return (
        '<div class="legend" style="font-family:sans-serif;font-size:85%;border:1px solid #ddd;'
        'padding:.4em .6em;margin-bottom:1em">' + "<br>".join(items) + "</div>"
    )


class HighlightedArticle:
    """Displays as the tone-highlighted article in Jupyter; ``.html`` is the fragment."""

    def __init__(self, analysis, scorer: str | None = None, title: str | None = None):
        self.html = highlighted_html(analysis, scorer, title)

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return "<tone-highlighted article: display in a notebook, or write .html to a file>"

    def save(self, path) -> None:
        """Write a standalone HTML page (atomically)."""
        from .io import write_bytes_atomic

        page = (
            '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Tone-highlighted article'
            f"</title></head><body>\n{self.html}\n</body></html>\n"
        )
        write_bytes_atomic(path, page.encode("utf-8"))


def highlighted_article(
    analysis, scorer: str | None = None, title: str | None = None
) -> HighlightedArticle:
    """The tone-highlighted article, ready to display (see :func:`highlighted_html`)."""
    return HighlightedArticle(analysis, scorer, title)
