"""The one strict schema for all course content.

Every content file is YAML with a ``schema_version`` and one or more top-level lists. Each list
entry has a stable ``id``. Unknown keys are rejected, every learner-facing text carries both
languages (``id`` = Bahasa Indonesia, ``en`` = English), and references between files are plain
ids that :mod:`kesos.content` resolves after parsing.

The docstring of every field is what a lecturer reads in ``docs/content-format.md``.
"""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

SCHEMA_VERSION = 1
LANGUAGES = ("id", "en")

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80),
]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    """Base: unknown keys are errors, no silent type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class Text(Strict):
    """A learner-facing text in both languages."""

    id: NonEmpty = Field(description="Bahasa Indonesia")
    en: NonEmpty = Field(description="English")

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.id


class Quote(Strict):
    """A short quotation in the language it was written in."""

    lang: Literal["id", "en"]
    text: NonEmpty


class Citation(Strict):
    """Where a fact comes from, in the chapter's form: author (year), in source:page."""

    author: Id | None = Field(None, description="id from authors.yaml")
    year: int | None = None
    via: Id | None = Field(None, description="id from sources.yaml: the book the chapter cites it through")
    page: str | None = None

    @field_validator("page", mode="before")
    @classmethod
    def _page_as_text(cls, v):
        return str(v) if isinstance(v, int) else v

    @model_validator(mode="after")
    def _needs_something(self):
        if not self.author and not self.via:
            raise ValueError("a citation needs an author or a source (via)")
        return self


# --------------------------------------------------------------------------- vocabulary


class Chapter(Strict):
    id: Id
    number: int = Field(ge=0, le=99)
    slug: Id = Field(description="notebook file stem, e.g. 01_welfare")
    title: Text
    seed_section: str | None = Field(None, description="section of the source chapter, e.g. 2.1.1")
    minutes: int = Field(ge=0, description="estimated study time")


class Source(Strict):
    id: Id
    short: NonEmpty = Field(description="how citations name it, e.g. 'Adi 2015'")
    reference: NonEmpty = Field(description="full bibliographic reference")
    status: Literal["checked", "likely", "unknown"] = Field(description="how sure the reference is")
    note: Text | None = None


class Author(Strict):
    id: Id
    name: Text = Field(description="name as shown to learners, e.g. Friedlander, NASW, UU No. 11/2009")
    full_name: str | None = None
    kind: Literal["person", "organisation", "law"]
    note: Text | None = None


class Misconception(Strict):
    id: Id
    text: Text = Field(description="the mistaken belief")
    correction: Text = Field(description="what is right instead")


class Definition(Strict):
    """An attributed definition from the chapter."""

    id: Id
    chapter: Id
    topic: Text = Field(description="what is defined, e.g. social welfare")
    view: Literal["condition", "system", "discipline"] | None = Field(
        None, description="for welfare definitions: which of the three views"
    )
    cite: Citation
    quote: Quote | None = Field(None, description="short quotation in its original language, corrected wording")
    translation: Quote | None = Field(None, description="the quotation in the other language")
    summary: Text = Field(description="the course's own paraphrase")
    note: Text | None = Field(None, description="source note, e.g. what was corrected")

    @model_validator(mode="after")
    def _translation_other_language(self):
        if self.translation and not self.quote:
            raise ValueError("a translation needs a quote")
        if self.quote and self.translation and self.quote.lang == self.translation.lang:
            raise ValueError("translation must be in the other language than the quote")
        return self


class ListEntry(Strict):
    id: Id
    label: Text
    detail: Text | None = None


class EnumeratedList(Strict):
    """An enumerated list from the chapter (goals, functions, stages, methods, ...)."""

    id: Id
    chapter: Id
    title: Text
    cite: Citation | None = None
    ordered: bool = False
    entries: list[ListEntry] = Field(min_length=2)


class Role(Strict):
    id: Id
    name: Text
    summary: Text = Field(description="what this role does, in the course's words")
    cue: Text = Field(description="the situation that calls for this role")


class RoleListEntry(Strict):
    role: Id = Field(description="id from roles")
    label: Text | None = Field(None, description="the name this list uses, if different")
    description: Text


class RoleList(Strict):
    id: Id
    title: Text
    cite: Citation
    entries: list[RoleListEntry] = Field(min_length=2)


# --------------------------------------------------------------------------- activities


class ActivityBase(Strict):
    id: Id
    chapter: Id
    title: Text
    prompt: Text
    practises: list[Id] = Field(default_factory=list, description="ids of definitions and lists practised")
    cites: list[Id] = Field(default_factory=list, description="definitions or lists whose citation is shown")
    hints: list[Text] = Field(default_factory=list)
    tags: list[Id] = Field(default_factory=list)
    review_of: Id | None = Field(
        None, description="id of an earlier activity this one deliberately reviews (lint then allows the overlap)"
    )


class Option(Strict):
    id: Id
    text: Text
    correct: bool = False
    feedback: Text
    misconception: Id | None = None


class ChoiceActivity(ActivityBase):
    type: Literal["choice"]
    multiple: bool = False
    options: list[Option] = Field(min_length=2)
    explanation: Text | None = None

    @model_validator(mode="after")
    def _keyed(self):
        n = sum(o.correct for o in self.options)
        if n == 0:
            raise ValueError("options: no option is marked correct: true — mark the right answer")
        if not self.multiple and n > 1:
            raise ValueError(
                f"options: {n} options are correct in a single-answer question — keep one or set multiple: true"
            )
        return self


class MatchPair(Strict):
    definition: Id = Field(description="id from definitions.yaml; its author is the right answer")
    show: Literal["summary", "quote"] = "summary"
    feedback: Text | None = None


class MatchingActivity(ActivityBase):
    type: Literal["matching"]
    pairs: list[MatchPair] = Field(min_length=2)
    distractors: list[Id] = Field(default_factory=list, description="extra author ids offered as choices")


class OrderEntry(Strict):
    id: Id
    text: Text
    position: int = Field(ge=1)
    why: Text = Field(description="why it comes at this position")


class OrderingActivity(ActivityBase):
    type: Literal["ordering"]
    entries: list[OrderEntry] = Field(min_length=2)

    @model_validator(mode="after")
    def _positions(self):
        pos = [e.position for e in self.entries]
        dup = sorted({p for p in pos if pos.count(p) > 1})
        if dup:
            raise ValueError(f"entries: position {dup[0]} is used twice — give each entry its own position")
        if sorted(pos) != list(range(1, len(pos) + 1)):
            raise ValueError(f"entries: positions must be 1..{len(pos)} without gaps, got {sorted(pos)}")
        return self


class Category(Strict):
    id: Id
    label: Text
    description: Text | None = None


class ClassEntry(Strict):
    id: Id
    text: Text
    category: Id
    feedback: Text = Field(description="why it belongs to its category")


class ClassificationActivity(ActivityBase):
    type: Literal["classification"]
    categories: list[Category] = Field(min_length=2)
    entries: list[ClassEntry] = Field(min_length=2)

    @model_validator(mode="after")
    def _categories_known(self):
        known = {c.id for c in self.categories}
        for i, e in enumerate(self.entries):
            if e.category not in known:
                raise ValueError(
                    f"entries[{i}].category: unknown category {e.category!r} — use one of {sorted(known)}"
                )
        return self


class RoleFit(Strict):
    """The key of a vignette for one role list."""

    best: list[Id] = Field(default_factory=list, description="the role(s) that fit best (empty only with none_fits)")
    acceptable: list[Id] = Field(default_factory=list, description="roles that fit partly (default half credit)")
    why: dict[Id, Text] = Field(default_factory=dict, description="rationale for each best and acceptable role")
    mode: Literal["any_of", "all_of"] = Field(
        "any_of",
        description="any_of: any best role is a full answer; all_of: the answer needs every best role together",
    )
    credit: dict[Id, float] = Field(
        default_factory=dict,
        description="credit for an acceptable role, 0 to below 1, instead of the default 0.5",
    )
    why_not: dict[Id, Text] = Field(
        default_factory=dict,
        description="case-specific reason why a tempting role does not fit (shown instead of the generic text)",
    )
    none_fits: bool = Field(False, description="true when no role of this list fits; put the closest in acceptable")
    why_none: Text | None = Field(None, description="with none_fits: why no role of this list fits")

    @model_validator(mode="after")
    def _consistent(self):
        if self.none_fits:
            if self.best:
                raise ValueError("best: a key with none_fits: true has no best role — move the closest roles to acceptable")
            if self.why_none is None:
                raise ValueError("why_none: none_fits: true needs why_none, the reason no role of this list fits — add it")
            if self.mode == "all_of":
                raise ValueError("mode: all_of needs best roles; it cannot go with none_fits: true — remove one")
        else:
            if not self.best:
                raise ValueError("best: name at least one role, or set none_fits: true when no role fits")
            if self.why_none is not None:
                raise ValueError("why_none: only used with none_fits: true — remove it or set none_fits: true")
        if self.mode == "all_of" and len(self.best) < 2:
            raise ValueError("mode: all_of needs at least two best roles — add one or use any_of")
        overlap = set(self.best) & set(self.acceptable)
        if overlap:
            raise ValueError(f"{sorted(overlap)[0]!r} is both best and acceptable — keep it in one of them")
        missing = [r for r in self.best + self.acceptable if r not in self.why]
        if missing:
            raise ValueError(f"why: no rationale for {missing[0]!r} — add one")
        for r, value in self.credit.items():
            if r not in self.acceptable:
                raise ValueError(
                    f"credit.{r}: credit is only for acceptable roles (best roles earn full credit) — "
                    f"add {r!r} to acceptable or remove its credit"
                )
            if not 0 <= value < 1:
                raise ValueError(f"credit.{r}: {value} is out of range — use 0 up to (not including) 1")
        keyed = [r for r in self.why_not if r in self.best or r in self.acceptable]
        if keyed:
            raise ValueError(
                f"why_not.{keyed[0]}: {keyed[0]!r} is keyed as best or acceptable — its rationale belongs in why"
            )
        return self


class Reading(Strict):
    roles: list[Id] = Field(min_length=1)
    argument: Text


class VignetteActivity(ActivityBase):
    type: Literal["vignette"]
    case: Text
    role_list: Id | None = Field(None, description="fix the role list; empty lets the learner choose")
    discussion: bool = False
    follows: Id | None = Field(None, description="id of the vignette this case continues (shown after it)")
    fits: dict[Id, RoleFit] = Field(description="for every role list: best and acceptable roles")
    readings: list[Reading] = Field(default_factory=list, description="competing readings (discussion cases)")

    @model_validator(mode="after")
    def _discussion(self):
        if self.discussion and len(self.readings) < 2:
            raise ValueError("readings: a discussion case needs at least two competing readings")
        if self.follows == self.id:
            raise ValueError("follows: a case cannot follow itself — name the earlier case")
        return self


class OpenActivity(ActivityBase):
    type: Literal["open"]
    model_answer: Text
    rubric: list[Text] = Field(min_length=1)


class Phrasings(Strict):
    """Accepted phrasings of one element, per language (all are matched, whatever the notebook's language)."""

    id: list[NonEmpty] = Field(min_length=1, description="Bahasa Indonesia phrasings")
    en: list[NonEmpty] = Field(min_length=1, description="English phrasings")


class RecallElement(Strict):
    """One element a written answer must contain (a key idea of a definition, an entry of a list)."""

    id: Id
    label: Text = Field(description="the element, as shown after checking")
    accept: Phrasings = Field(description="short phrasings that count as this element (word forms are matched)")


class RecallActivity(ActivityBase):
    """Written recall: the learner writes a definition or a list from memory."""

    type: Literal["recall"]
    elements: list[RecallElement] = Field(min_length=1)
    model_answer: Text

    @model_validator(mode="after")
    def _unique(self):
        ids = [e.id for e in self.elements]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"elements: id {dup[0]!r} is used twice — give each element its own id")
        return self


Activity = Annotated[
    Union[
        ChoiceActivity,
        MatchingActivity,
        OrderingActivity,
        ClassificationActivity,
        VignetteActivity,
        OpenActivity,
        RecallActivity,
    ],
    Field(discriminator="type"),
]

ACTIVITY_TYPES = ("choice", "matching", "ordering", "classification", "vignette", "open", "recall")


class GlossaryTerm(Strict):
    id: Id
    term: Text
    definition: Text
    cite: Citation | None = None
    chapter: Id
    related: list[Id] = Field(default_factory=list)


# --------------------------------------------------------------------------- files


class FileBase(Strict):
    schema_version: Literal[1]


class CourseFile(FileBase):
    title: Text
    chapters: list[Chapter] = Field(min_length=1)


class SourcesFile(FileBase):
    sources: list[Source]


class AuthorsFile(FileBase):
    authors: list[Author]


class MisconceptionsFile(FileBase):
    misconceptions: list[Misconception]


class DefinitionsFile(FileBase):
    definitions: list[Definition]


class ListsFile(FileBase):
    lists: list[EnumeratedList]


class RolesFile(FileBase):
    roles: list[Role]
    role_lists: list[RoleList]


class ActivitiesFile(FileBase):
    activities: list[Activity]


class GlossaryFile(FileBase):
    terms: list[GlossaryTerm]


# Which model parses which file, relative to the repository root. Globs allowed.
# Order matters only for readability of error output: vocabulary first, activities last.
FILES: list[tuple[str, type[FileBase], bool]] = [
    # (path or glob, model, required)
    ("content/course.yaml", CourseFile, True),
    ("content/sources.yaml", SourcesFile, True),
    ("content/authors.yaml", AuthorsFile, True),
    ("content/misconceptions.yaml", MisconceptionsFile, True),
    ("content/definitions.yaml", DefinitionsFile, True),
    ("content/lists.yaml", ListsFile, True),
    ("content/roles.yaml", RolesFile, True),
    ("content/activities/*.yaml", ActivitiesFile, True),
    ("glossary/terms.yaml", GlossaryFile, True),
]
