"""What every activity widget shares: layout, Check / Hint / Try again, feedback, progress.

A type is one :class:`ActivityWidget` subclass registered on the data's ``type``::

    @register("choice")
    class ChoiceWidget(ActivityWidget):
        def build(self): ...        # create the controls, return them; call self.watch(control)
        def get_answer(self): ...   # the controls' state as a JSON-friendly answer (kesos.checking)
        def set_answer(self, answer): ...  # put a (stored, maybe stale) answer back into the controls

Checking itself is pure (:func:`kesos.checking.check`); the widget only renders its
:class:`~kesos.checking.Result`. Every text shown is escaped: content and learner text are plain
text, never HTML.
"""
from __future__ import annotations

import html
from contextlib import contextmanager
from typing import Any, Callable, ClassVar

import ipywidgets as W

from kesos import checking
from kesos.checking import Result
from kesos.i18n import get_language, t

WIDGETS: dict[str, type["ActivityWidget"]] = {}


def register(kind: str):
    """Class decorator: the widget for activities with ``type: kind``."""

    def deco(cls):
        if kind in WIDGETS:
            raise ValueError(f"a widget for {kind!r} is registered twice")
        cls.kind = kind
        WIDGETS[kind] = cls
        return cls

    return deco


# Symbols AND words: colour is never the only signal. Text colours come from PALETTE, one set per
# JupyterLab theme (Lab marks <body data-jp-theme-light="true|false">); every colour has at least
# 4.5:1 contrast (WCAG AA, normal text) on that theme's backgrounds — tests/test_widgets.py
# computes the ratios. Lab's own --jp-success-color1 / --jp-warn-color1 fall below that on white.
SYMBOLS = {
    "right": "✓", "best": "✓", "wrong": "✗", "no_fit": "✗",
    "partial": "~", "acceptable": "~", "missing": "○", "discussion": "~", "saved": "✓",
}
PALETTE = {
    "light": {"ok": "#1b5e20", "bad": "#b71c1c", "mid": "#8a4a00", "info": "#0d47a1"},
    "dark": {"ok": "#81c784", "bad": "#ef9a9a", "mid": "#ffb74d", "info": "#90caf9"},
}
# the backgrounds an activity can sit on in each theme (cell, output area, our case box)
THEME_BACKGROUNDS = {"light": ("#ffffff", "#eeeeee"), "dark": ("#111111", "#212121", "#303030")}
COLOURS = {
    "right": "var(--kesos-ok)", "best": "var(--kesos-ok)", "saved": "var(--kesos-ok)",
    "wrong": "var(--kesos-bad)", "no_fit": "var(--kesos-bad)",
    "partial": "var(--kesos-mid)", "acceptable": "var(--kesos-mid)", "missing": "var(--kesos-mid)",
    "discussion": "var(--kesos-info)", "prompt": "var(--jp-ui-font-color1)",
}


def _palette_css(selector: str) -> str:
    light = ";".join(f"--kesos-{k}:{v}" for k, v in PALETTE["light"].items())
    dark = ";".join(f"--kesos-{k}:{v}" for k, v in PALETTE["dark"].items())
    return f'{selector}{{{light}}}body[data-jp-theme-light="false"] {selector}{{{dark}}}'


# One small stylesheet, scoped to .kesos-activity; repeated per activity (harmless) so that any
# single activity looks right on its own. Long option labels wrap instead of being cut off.
STYLE = "<style>" + _palette_css(".kesos-activity") + """
.kesos-activity{border:1px solid var(--jp-border-color2);border-radius:4px;padding:6px 12px 10px;margin:8px 0;max-width:56em;color:var(--jp-ui-font-color1)}
.kesos-activity .kesos-title{margin:4px 0;font-size:var(--jp-content-font-size2,1.1em)}
.kesos-activity .widget-radio-box label,.kesos-activity .widget-checkbox label,.kesos-activity .widget-checkbox .widget-label-basic span{white-space:normal;overflow:visible;height:auto;line-height:1.4;text-overflow:clip}
.kesos-activity .widget-radio-box label{margin:3px 0}
.kesos-activity .widget-checkbox{height:auto;margin:3px 0}
.kesos-activity .widget-html-content{line-height:1.45}
.kesos-activity .kesos-case{border-left:3px solid var(--jp-border-color1);margin:6px 0;padding:2px 10px;background:var(--jp-layout-color2)}
.kesos-activity .kesos-result{border-left:4px solid var(--kesos-verdict);padding:2px 10px;margin-top:6px}
.kesos-activity .kesos-result ul{margin:4px 0;padding-left:0;list-style:none}
.kesos-activity .kesos-result li{margin:4px 0}
.kesos-activity .kesos-sym{font-weight:bold;display:inline-block;min-width:1.2em}
.kesos-activity .kesos-cite,.kesos-activity .kesos-sources{color:var(--jp-ui-font-color2);font-size:0.92em}
.kesos-activity button:focus-visible,.kesos-activity select:focus-visible,.kesos-activity input:focus-visible{outline:2px solid var(--jp-brand-color1);outline-offset:1px}
</style>"""


# Keyboard guard. JupyterLab runs its notebook command-mode shortcuts (arrows = move to another
# cell, "a"/"b" = insert a cell, "d d" = delete one, ...) on keydown events that bubble up to the
# document from any element it does not consider editable (`:read-write`): radio buttons,
# checkboxes, <select> lists and buttons are not, and ipywidgets only stops propagation for text
# inputs. Without this guard, pressing ArrowDown in a radio group or the ordering list moves the
# learner to another cell. The handler stops the propagation of plain keys (no Ctrl/Alt/Meta; not
# Tab, Escape or Shift+Enter) that start on the activity's own controls; the browser's default
# action (move the selection, press the button) still happens. Installed once per rendered
# activity by a hidden image whose load fails (ipywidgets HTML is not sanitized; without a
# DOM-capable frontend nothing happens and the widget works as before).
_KEY_GUARD_JS = (
    "var i=this,n=0;(function f(){var b=i.closest('.kesos-activity');"
    "if(!b){if(n++<50)setTimeout(f,100);return}"
    "if(b.dataset.kesosKeys)return;b.dataset.kesosKeys='1';"
    "b.addEventListener('keydown',function(e){var t=e.target,g=t.tagName;"
    "if(e.ctrlKey||e.metaKey||e.altKey||e.key==='Tab'||e.key==='Escape'||(e.key==='Enter'&&e.shiftKey))return;"
    "if(g==='SELECT'||g==='BUTTON'||(g==='INPUT'&&(t.type==='radio'||t.type==='checkbox')))e.stopPropagation()})})()"
)
KEY_GUARD = f'<img src="data:," alt="" hidden class="kesos-key-guard" onerror="{_KEY_GUARD_JS}">'


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def paragraphs(text: str) -> str:
    """Plain text → escaped HTML, a blank line starting a new paragraph, a newline a line break."""
    blocks = [b.strip() for b in str(text).split("\n\n") if b.strip()]
    return "".join(f"<p>{esc(b).replace(chr(10), '<br>')}</p>" for b in blocks)


def number(x: float, lang: str) -> str:
    """0.5 → '0.5' (en) / '0,5' (id); whole numbers without decimals."""
    s = f"{round(x, 2):g}"
    return s.replace(".", ",") if lang == "id" else s


def percent(fraction: float) -> str:
    """0.5 → '50%' (the same in both languages)."""
    return f"{round(fraction * 100)}%"


def button(description: str, css_class: str, **kw) -> W.Button:
    """A button sized to its label (ipywidgets' fixed width cuts longer labels off)."""
    b = W.Button(description=description, layout=W.Layout(width="auto", min_width="7em"), **kw)
    b.add_class(css_class)
    return b


def verdict_badge(verdict: str, lang: str, words: dict[str, str] | None = None) -> str:
    """Symbol + word for a verdict; ``words`` may rename a verdict (verdict → ui.yaml key)."""
    colour = COLOURS.get(verdict, COLOURS["prompt"])
    word = t((words or {}).get(verdict, "verdict_" + verdict), lang)
    return (
        f'<span class="kesos-sym" aria-hidden="true" style="color:{colour}">{SYMBOLS[verdict]}</span>'
        f'<strong style="color:{colour}">{esc(word)}</strong>'
    )


def headline(result: Result) -> str | None:
    """The overall verdict of a result (None for an empty answer)."""
    if result.empty:
        return None
    if result.correct:
        return "right"
    return "wrong" if result.score <= 0 else "partial"


def render_result(
    result: Result,
    lang: str,
    *,
    verdict: str | None = None,
    extras: list[str] = (),
    restored: bool = False,
    show_explanation: bool = True,
    words: dict[str, str] | None = None,
) -> str:
    """The feedback area's HTML for one result. Every string is escaped here."""
    verdict = verdict or headline(result)
    if verdict is None:  # empty answer: a gentle prompt, no verdict
        return (
            f'<div class="kesos-result kesos-prompt" role="status" style="--kesos-verdict:{COLOURS["prompt"]}">'
            f"{paragraphs(result.summary)}</div>"
        )
    out = [
        f'<div class="kesos-result kesos-verdict-{verdict}" role="status" style="--kesos-verdict:{COLOURS[verdict]}">'
    ]
    if restored:
        out.append(f'<p class="kesos-restored"><em>{esc(t("restored_note", lang))}</em></p>')
    score = percent(result.score / result.max_score if result.max_score else 0.0)
    out.append(
        f'<p class="kesos-headline">{verdict_badge(verdict, lang)} · {esc(t("score_line", lang, score=score))}</p>'
    )
    out.append(paragraphs(result.summary))
    if result.parts:
        out.append('<ul class="kesos-parts">')
        for p in result.parts:
            cite = ""
            if p.citation and p.citation not in p.feedback:
                cite = f' <span class="kesos-cite">({esc(p.citation)})</span>'
            fb = f" — {esc(p.feedback)}" if p.feedback else ""
            out.append(
                f'<li class="kesos-part kesos-part-{p.verdict}" data-part="{esc(p.id)}">'
                f"{verdict_badge(p.verdict, lang, words)}: <em>{esc(p.label)}</em>{fb}{cite}</li>"
            )
        out.append("</ul>")
    if show_explanation and result.explanation:
        out.append(f'<div class="kesos-explanation">{paragraphs(result.explanation)}</div>')
    for line in extras:
        out.append(f'<p class="kesos-extra">{esc(line)}</p>')
    if result.citations:
        out.append(
            f'<p class="kesos-sources">{esc(t("sources_line", lang, cites="; ".join(result.citations)))}</p>'
        )
    out.append("</div>")
    return "".join(out)


class ActivityWidget(W.VBox):
    """One activity: title, prompt, the type's controls, Check / Hint / Try again, feedback.

    Attributes tests and other code may use: ``check_button``, ``hint_button``, ``retry_button``,
    ``feedback`` (HTML), ``hints`` (HTML), ``result`` (latest :class:`Result` or None),
    ``activity``, ``lang``, ``store``.
    """

    kind: ClassVar[str] = ""
    check_key: ClassVar[str] = "check"  # ui.yaml key of the Check button's label
    show_explanation: ClassVar[bool] = True
    verdict_words: ClassVar[dict[str, str]] = {}  # rename a part verdict: verdict -> ui.yaml key

    def __init__(self, activity, course, *, lang: str | None = None, store=None):
        super().__init__()
        if store is None:
            from kesos.progress import get_store

            store = get_store()
        self.activity, self.course, self.store = activity, course, store
        self.lang = lang or get_language()
        self.result: Result | None = None
        self._dirty = True  # answer changed since the last recorded attempt
        self._quiet_depth = 0
        self._listeners: list[Callable[["ActivityWidget", Result], None]] = []
        self._hints_seen = 0
        self._shown: Result | None = None  # the result the feedback area shows
        self._stale = False  # the answer changed since that result was computed
        self.add_class("kesos-activity")
        self.add_class(f"kesos-type-{self.kind}")

        lang = self.lang
        self.header = W.HTML(
            STYLE
            + KEY_GUARD
            + f'<h4 class="kesos-title">{esc(activity.title.get(lang))}</h4>'
            + f'<div class="kesos-prompt-text">{paragraphs(activity.prompt.get(lang))}</div>'
        )
        self.check_button = button(t(self.check_key, lang), "kesos-check", button_style="primary")
        self.hint_button = button(t("hint", lang), "kesos-hint", icon="lightbulb-o")
        self.retry_button = button(t("try_again", lang), "kesos-retry", icon="undo")
        if not activity.hints:
            self.hint_button.layout.display = "none"
        self.hints = W.HTML()
        self.hints.add_class("kesos-hints")
        self.feedback = W.HTML()
        self.feedback.add_class("kesos-feedback")
        self.check_button.on_click(lambda _b: self.submit())
        self.hint_button.on_click(lambda _b: self.next_hint())
        self.retry_button.on_click(lambda _b: self.retry())

        with self.quiet():
            controls = self.build()
        self.buttons = W.HBox([*self.extra_buttons(), self.check_button, self.hint_button, self.retry_button])
        self.buttons.add_class("kesos-buttons")
        self.children = [self.header, *controls, self.buttons, self.hints, self.feedback]
        self._restore()

    # ---- what a type provides ---------------------------------------------------------------
    def build(self) -> list[W.Widget]:
        """Create the controls (call :meth:`watch` on each) and return the widgets to show."""
        raise NotImplementedError

    def get_answer(self) -> Any:
        raise NotImplementedError

    def set_answer(self, answer: Any) -> None:
        raise NotImplementedError

    def reset(self) -> None:
        """Put the controls back to their unanswered state (default: an empty answer)."""
        self.set_answer(None)

    def extra_buttons(self) -> list[W.Widget]:
        return []

    def feedback_extras(self, answer: Any) -> list[str]:
        """Extra plain-text lines under the feedback (escaped when shown)."""
        return []

    def verdict(self, result: Result) -> str | None:
        """The headline verdict shown for ``result`` (default: right / partial / wrong)."""
        return headline(result)

    # ---- shared behaviour -------------------------------------------------------------------
    @property
    def learner_id(self) -> str:
        try:
            return self.store.learner_id
        except Exception:  # the store never shows tracebacks; neither do we
            return "anonymous"

    @contextmanager
    def quiet(self):
        """Changes made inside do not count as the learner changing the answer."""
        self._quiet_depth += 1
        try:
            yield
        finally:
            self._quiet_depth -= 1

    def watch(self, *controls: W.Widget, names: str = "value") -> None:
        for c in controls:
            c.observe(self._changed, names=names)

    def _changed(self, _change=None) -> None:
        if self._quiet_depth:
            return
        self._dirty = True
        if self._shown is not None and not self._shown.empty and not self._stale:
            # The feedback shown is about the previous answer: say so (also covers a Check click
            # that reached the kernel before the change did, which ipywidgets allows).
            self._stale = True
            note = esc(t("answer_changed", self.lang))
            self.feedback.value = f'<p class="kesos-stale" role="status"><em>{note}</em></p>' + self.feedback.value

    def on_result(self, fn: Callable[["ActivityWidget", Result], None]) -> None:
        """Call ``fn(widget, result)`` after every recorded attempt (the quiz's running score)."""
        self._listeners.append(fn)

    def check_answer(self, answer: Any) -> Result:
        return checking.check(self.activity, answer, self.lang, self.course)

    def submit(self) -> Result | None:
        """Check the current answer; record it once (unchanged answers are not recorded again)."""
        if not self._dirty and self.result is not None:
            return self.result  # double click / repeated submit of the same answer
        answer = self.get_answer()
        result = self.check_answer(answer)
        if result.empty:
            self._show(result, answer)  # gentle prompt; nothing recorded, never "wrong"
            return result
        self._dirty = False
        self.result = result
        problem = self._record(answer, result)
        self._show(result, answer, extras=[problem] if problem else [])
        for fn in self._listeners:
            fn(self, result)
        return result

    def _record(self, answer: Any, result: Result) -> str | None:
        try:
            self.store.record(
                self.activity.id, self.kind, answer,
                score=result.score, max_score=result.max_score, correct=result.correct,
                language=self.lang, context={"hints_seen": self._hints_seen},
            )
        except Exception as exc:  # pragma: no cover - the store reports its own problems
            return f"kesos: {exc}"
        return None

    def _show(self, result: Result, answer: Any, *, restored: bool = False, extras: list[str] = ()) -> None:
        self._shown, self._stale = result, False
        self.feedback.value = render_result(
            result, self.lang,
            verdict=self.verdict(result),
            extras=[*(self.feedback_extras(answer) if not result.empty else []), *extras],
            restored=restored,
            show_explanation=self.show_explanation,
            words=self.verdict_words,
        )

    def next_hint(self) -> None:
        hints = self.activity.hints
        if self._hints_seen >= len(hints):
            return
        self._hints_seen += 1
        lang = self.lang
        self.hints.value = "".join(
            f'<p class="kesos-hint-text"><strong>{esc(t("hint_line", lang, n=i))}</strong> {esc(h.get(lang))}</p>'
            for i, h in enumerate(hints[: self._hints_seen], 1)
        )
        if self._hints_seen < len(hints):
            self.hint_button.description = t("hint_progress", lang, n=self._hints_seen + 1, total=len(hints))
        else:
            self.hint_button.disabled = True

    def retry(self) -> None:
        with self.quiet():
            self.reset()
        self._dirty = True
        self._shown, self._stale = None, False
        self.feedback.value = ""

    def _restore(self) -> None:
        """Show the learner's last answer and its result (re-checked in the current language)."""
        try:
            last = self.store.last_attempt(self.activity.id)
        except Exception:
            last = None
        if last is None or last.answer is None:
            return
        with self.quiet():
            self.set_answer(last.answer)
        answer = self.get_answer()
        result = self.check_answer(answer)
        if result.empty:  # stale answer (content changed): start fresh
            with self.quiet():
                self.reset()
            return
        self.result = result
        self._dirty = False
        self._show(result, answer, restored=True)


def labelled_dropdown(text: str, description: str, options: list[tuple[str, Any]]) -> tuple[W.VBox, W.Dropdown]:
    """A row: the (long) text to classify or match, then a labelled Dropdown under it."""
    dd = W.Dropdown(
        options=options, index=0, description=description,
        style={"description_width": "initial"}, layout=W.Layout(width="32em", max_width="100%"),
    )
    row = W.VBox([W.HTML(f'<div class="kesos-item-text">{text}</div>'), dd])
    row.add_class("kesos-row")
    return row, dd


def set_choice(dd: W.Dropdown, value: Any) -> None:
    """Select ``value`` in a dropdown whose first option is the "— choose —" placeholder (None);
    an unknown value (stale answer) selects the placeholder."""
    values = [v for _, v in dd.options]
    dd.index = values.index(value) if value in values else 0


def message_widget(html_text: str, css_class: str) -> W.HTML:
    w = W.HTML(STYLE + html_text)
    w.add_class("kesos-activity")
    w.add_class(css_class)
    return w
