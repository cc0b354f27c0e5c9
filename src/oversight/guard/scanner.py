"""The child-data guard's scanner: children's information in a personal supervision record's text
(Leeds 4.13, Buckinghamshire "initials only", Bristol 5.2). No Django here: fed text, the case IDs
of the children on the supervisee's caseload and a keyed index of their names, it returns findings.

Built on Presidio's analyzer with a *blank* spaCy pipeline (``spacy.blank("en")``: a tokenizer,
no statistical model) as its NLP engine and only our own recognisers in its registry, so nothing
is ever downloaded (Presidio's defaults would fetch ``en_core_web_lg``). The engine is built once
per process, on first use.

What is found (``Finding.kind``):
- ``CASE_ID``: case-system IDs in the LCS, EHM and Mosaic formats (``LCS123456``, ``EHM-20931``,
  ``MOS 412233``), a number after "LCS / Mosaic / case ID / number", and any case ID of a child
  on the caseload however it is spaced;
- ``NHS_NUMBER``: ten digits (3-3-4) whose mod-11 check digit is right;
- ``NI_NUMBER``: National Insurance numbers (HMRC's prefix rules);
- ``DATE_OF_BIRTH``: a date with "DOB", "date of birth" or "born" just before it (never every
  date: records are full of meeting dates);
- ``POSTCODE``: full UK postcodes, except where the sentence is about an office or venue and
  not about where someone lives;
- ``CHILD_NAME``: a word or two adjacent words of the text whose keyed hash is one a child on the
  caseload was imported with (``NameIndex``); names are never held in clear.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

KINDS = ("CASE_ID", "NHS_NUMBER", "NI_NUMBER", "DATE_OF_BIRTH", "POSTCODE", "CHILD_NAME")
KIND_LABELS = {
    "CASE_ID": "Case-system ID",
    "NHS_NUMBER": "NHS number",
    "NI_NUMBER": "National Insurance number",
    "DATE_OF_BIRTH": "Date of birth",
    "POSTCODE": "Postcode",
    "CHILD_NAME": "Name of a child on the caseload",
}

# --- names: normalised tokens and their keyed hashes ----------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def normalise_name_token(word: str) -> str:
    """'Zoë' -> 'zoe', "O'Brien" -> 'obrien', 'Smith-Jones' -> 'smithjones': accents, case and
    punctuation do not matter."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if c.isalpha() and not unicodedata.combining(c)).casefold()


def _name_parts(text: str) -> list[str]:
    """The normalised tokens of a name: each word, and each part of a hyphenated word."""
    parts: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group()
        for piece in [word, *re.split(r"[-]", word)] if "-" in word else [word]:
            token = normalise_name_token(piece)
            if len(token) >= 2 and token not in parts:  # an initial alone is what the policies ask for
                parts.append(token)
    return parts


def name_digest(key: bytes, normalised: str) -> str:
    """The keyed hash (HMAC-SHA256, 128 bits in hex) of one normalised token or of two joined by
    a space."""
    return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def name_digests(key: bytes, *names: str) -> set[str]:
    """The keyed hashes a child's name is kept as: each token of each name given (first, last or
    full), and each adjacent pair across them ("jayden clarke")."""
    tokens: list[str] = []
    for name in names:
        tokens.extend(t for t in _name_parts(name or "") if t not in tokens)
    digests = {name_digest(key, token) for token in tokens}
    words = [normalise_name_token(w) for name in names for w in _WORD.findall(name or "")]
    words = [w for w in words if len(w) >= 2]
    digests |= {name_digest(key, f"{a} {b}") for a, b in zip(words, words[1:], strict=False)}
    return digests


@dataclass(frozen=True)
class NameIndex:
    """The keyed hashes of the caseload's children's names: digest -> the child's case ID."""

    key: bytes
    digests: Mapping[str, str]

    def child_for(self, normalised: str) -> str | None:
        return self.digests.get(name_digest(self.key, normalised))

    def __bool__(self) -> bool:
        return bool(self.digests)


# --- findings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str
    child: str | None = None  # the case ID of the caseload child it points to, where known
    score: float = 0.0

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”')\]]?\s+(?=[A-Z\"“(\[])|\n\s*")


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The (start, end) of the sentence holding text[start:end]: from the previous full stop,
    question or exclamation mark followed by a capital (or a line break) to the next."""
    begin, finish = 0, len(text)
    for boundary in _SENTENCE_END.finditer(text):
        if boundary.end() <= start:
            begin = boundary.end()
        elif boundary.start() >= end:
            finish = boundary.start()
            break
    while finish > begin and text[finish - 1].isspace():
        finish -= 1
    return begin, finish


# --- the recognisers --------------------------------------------------------------------------------

_CASE_FORMAT = r"\b(?:(?i:LCS|EHM|MOS|Mosaic))[-/ ]?(?:ID[-: ]?)?\d{4,10}\b"  # LCS123456, EHM-20931, MOS 412233
_CASE_CONTEXT = (
    r"(?<=\b(?i:LCS|EHM|Mosaic|case|child|client|person|family)(?:'s)?\s+"
    r"(?i:ID|ref|reference|number|no\.?|record|#)\s*(?:is\s+|:\s*|-\s*|\.\s*)?(?i:no\.?\s*|number\s*)?)\d{4,10}\b"
)
_NHS = r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b"
_NI = r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"
_POSTCODE = r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-HJKPSTUW\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}\b"
_MONTH = r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b"
    r"|\d{4}-\d{2}-\d{2}\b"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}\b"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
    rf"|{_MONTH}\s+\d{{4}}\b)"
)
_DOB_CONTEXT = re.compile(
    r"(?i:(?:\bD\.?\s?O\.?\s?B\b\.?|\bdate\s+of\s+birth\b|\bbirth\s*date\b)[^.\n]{0,16}?"
    r"|\bborn(?:\s+(?:on|in))?(?:\s+the)?\s*)$"
)
_DOB_AFTER = re.compile(r"^\s*\((?i:DOB|D\.O\.B\.?|date of birth)\)")
_OFFICE = re.compile(
    r"(?i:\b(?:office|offices|hub|civic|centre|center|headquarters|HQ|venue|town hall|council|"
    r"training|conference|base|team base|reception|building)\b|\bHouse\b)"
)
_HOME = re.compile(
    r"(?i:\b(?:lives?|living|home|address|moved|resides?|placement|placed|staying|stays|family|"
    r"carers?|grandparents?|mum|dad|mother|father|aunt|uncle|flat|tenancy)\b)"
)


def nhs_check_digit_ok(number: str) -> bool:
    """The NHS number's mod-11 check: weights 10 to 2 on the first nine digits; 11 - (sum mod 11)
    is the tenth (11 reads 0, 10 is never issued). Ten equal digits are not numbers in use."""
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 10 or len(set(digits)) == 1:
        return False
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == digits[9]


def _case_id_pattern(case_id: str) -> str:
    """A caseload child's case ID as a regex, however it is spaced or hyphenated: 'LCS123456'
    also matches 'LCS-123456' and 'lcs 123456'."""
    groups = re.findall(r"[A-Za-z]+|\d+", case_id)
    if not groups:
        return re.escape(case_id)
    body = r"[-/ ]?".join(f"(?i:{re.escape(g)})" for g in groups)
    return rf"(?<![\w]){body}(?![\w])"


class _Engine:
    """Presidio's AnalyzerEngine with our recognisers; built once per process."""

    _lock = threading.Lock()
    _analyzer: Any = None

    @classmethod
    def analyzer(cls) -> Any:
        if cls._analyzer is None:
            with cls._lock:
                if cls._analyzer is None:
                    cls._analyzer = _build_analyzer()
        return cls._analyzer


def _build_analyzer() -> Any:
    import regex
    import spacy
    from presidio_analyzer import (
        AnalyzerEngine,
        EntityRecognizer,
        Pattern,
        PatternRecognizer,
        RecognizerRegistry,
        RecognizerResult,
    )
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class BlankSpacyNlpEngine(SpacyNlpEngine):
        """spaCy's blank English pipeline (tokenizer only) as Presidio's NLP engine: no model to
        load, nothing to download."""

        def __init__(self) -> None:
            super().__init__(models=[{"lang_code": "en", "model_name": "blank:en"}])

        def load(self) -> None:
            # Presidio leaves self.nlp unannotated, set to None in __init__: mypy infers None.
            self.nlp = {"en": spacy.blank("en")}  # type: ignore[assignment]

    class NhsNumberRecognizer(PatternRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return nhs_check_digit_ok(pattern_text)

    class DateOfBirthRecognizer(EntityRecognizer):
        """A date with date-of-birth words just before it in the same sentence ("DOB", "date of
        birth", "born on") or "(DOB)" just after."""

        _date = regex.compile(r"\b" + _DATE)

        def load(self) -> None:
            pass

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            found = []
            for match in self._date.finditer(text):
                before = text[max(0, match.start() - 48) : match.start()]
                if _DOB_CONTEXT.search(before) or _DOB_AFTER.match(text[match.end() : match.end() + 24]):
                    found.append(RecognizerResult("DATE_OF_BIRTH", match.start(), match.end(), 0.85))
            return found

    class PostcodeRecognizer(PatternRecognizer):
        """Full UK postcodes, except an office's or a venue's (an office word before it in the
        sentence and no word about where someone lives)."""

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None, regex_flags: Any = None) -> Any:
            results = super().analyze(text, entities, nlp_artifacts, regex_flags) or []
            kept = []
            for result in results:
                begin, _ = sentence_around(text, result.start, result.end)
                before = text[begin : result.start]
                if _OFFICE.search(before) and not _HOME.search(before):
                    continue
                kept.append(result)
            return kept

    nlp_engine = BlankSpacyNlpEngine()
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.add_recognizer(
        PatternRecognizer(
            supported_entity="CASE_ID",
            name="CaseSystemIdRecognizer",
            patterns=[
                Pattern("lcs_ehm_mosaic", _CASE_FORMAT, 0.85),
                Pattern("number_after_case_system", _CASE_CONTEXT, 0.7),
            ],
        )
    )
    registry.add_recognizer(
        NhsNumberRecognizer(
            supported_entity="NHS_NUMBER", name="NhsNumberRecognizer", patterns=[Pattern("nhs", _NHS, 0.5)]
        )
    )
    registry.add_recognizer(
        PatternRecognizer(
            supported_entity="NI_NUMBER", name="NiNumberRecognizer", patterns=[Pattern("nino", _NI, 0.85)]
        )
    )
    registry.add_recognizer(
        PostcodeRecognizer(
            supported_entity="POSTCODE", name="UkPostcodeRecognizer", patterns=[Pattern("postcode", _POSTCODE, 0.7)]
        )
    )
    registry.add_recognizer(DateOfBirthRecognizer(supported_entities=["DATE_OF_BIRTH"], name="DateOfBirthRecognizer"))
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


def _ad_hoc(case_ids: Iterable[str], names: NameIndex | None, staff_names: Iterable[str]) -> list[Any]:
    """The recognisers for this caseload: its case IDs, and its children's names by keyed hash."""
    from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult

    recognisers: list[Any] = []
    known = sorted({c.strip() for c in case_ids if c and c.strip()}, key=len, reverse=True)
    if known:
        recognisers.append(
            PatternRecognizer(
                supported_entity="CASE_ID",
                name="CaseloadIdRecognizer",
                patterns=[Pattern(f"caseload_{i}", _case_id_pattern(c), 0.95) for i, c in enumerate(known)],
            )
        )

    if names:
        staff_pairs = set()
        for name in staff_names:
            words = [normalise_name_token(w) for w in _WORD.findall(name)]
            staff_pairs |= {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}
        index = names

        class CaseloadNameRecognizer(EntityRecognizer):
            """Capitalised words, alone or two together, whose keyed hash is a caseload child's."""

            def load(self) -> None:
                pass

            def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
                words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
                staff: set[int] = set()
                for i in range(len(words) - 1):
                    gap = text[words[i][1] : words[i + 1][0]]
                    pair = f"{normalise_name_token(words[i][2])} {normalise_name_token(words[i + 1][2])}"
                    if gap.strip() == "" and pair in staff_pairs:
                        staff |= {i, i + 1}
                found: list[Any] = []
                i = 0
                while i < len(words):
                    start, end, word = words[i]
                    if i in staff or not word[:1].isupper():
                        i += 1
                        continue
                    if i + 1 < len(words) and text[end : words[i + 1][0]].strip() == "" and i + 1 not in staff:
                        pair = f"{normalise_name_token(word)} {normalise_name_token(_unpossessive(words[i + 1][2]))}"
                        child = index.child_for(pair)
                        if child is not None:
                            found.append(_name_result(start, words[i + 1][1], child, 0.95))
                            i += 2
                            continue
                    child = _token_child(index, word)
                    if child is not None:
                        found.append(_name_result(start, end, child, 0.8))
                    i += 1
                return found

        def _name_result(start: int, end: int, child: str, score: float) -> Any:
            return RecognizerResult("CHILD_NAME", start, end, score, recognition_metadata={"child": child})

        recognisers.append(CaseloadNameRecognizer(supported_entities=["CHILD_NAME"], name="CaseloadNameRecognizer"))
    return recognisers


def _unpossessive(word: str) -> str:
    return re.sub(r"['’]s$", "", word)


def _token_child(index: NameIndex, word: str) -> str | None:
    """The child a word names: the word whole, without a possessive, or a part of a hyphenated one."""
    stem = _unpossessive(word)
    for candidate in dict.fromkeys([word, stem, *stem.split("-")]):
        token = normalise_name_token(candidate)
        if len(token) >= 2:
            child = index.child_for(token)
            if child is not None:
                return child
    return None


_PRIORITY = {"CHILD_NAME": 0, "CASE_ID": 1, "NHS_NUMBER": 2, "NI_NUMBER": 3, "DATE_OF_BIRTH": 4, "POSTCODE": 5}


@dataclass
class Scanner:
    """What the guard looks for in one supervisee's records: their caseload's case IDs and the
    keyed index of their children's names; ``staff_names`` are never taken for a child's."""

    case_ids: list[str] = field(default_factory=list)
    names: NameIndex | None = None
    staff_names: list[str] = field(default_factory=list)

    def scan(self, text: str) -> list[Finding]:
        """The findings in ``text``, in order, overlaps resolved (a caseload child's match wins)."""
        if not text or not text.strip():
            return []
        analyzer = _Engine.analyzer()
        results = analyzer.analyze(
            text=text,
            language="en",
            ad_hoc_recognizers=_ad_hoc(self.case_ids, self.names, self.staff_names),
            regex_flags=re.MULTILINE,
            score_threshold=0.1,
        )
        known = _caseload_ids(self.case_ids)
        findings = []
        for result in results:
            matched = text[result.start : result.end]
            child = (result.recognition_metadata or {}).get("child")
            if result.entity_type == "CASE_ID" and child is None:
                child = known.get(_squash(matched))
            findings.append(Finding(result.entity_type, result.start, result.end, matched, child, result.score))
        return _without_overlaps(findings)


def _squash(case_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", case_id).upper()


def _caseload_ids(case_ids: Iterable[str]) -> dict[str, str]:
    return {_squash(c): c for c in case_ids if c and c.strip()}


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    """One finding per stretch of text: the one pointing at a caseload child, else the longest,
    else by kind (a name before an ID before the rest)."""
    ranked = sorted(findings, key=lambda f: (f.child is None, -(f.end - f.start), _PRIORITY[f.kind], f.start))
    kept: list[Finding] = []
    for finding in ranked:
        if not any(finding.start < k.end and k.start < finding.end for k in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: f.start)


def scan(
    text: str,
    *,
    case_ids: Iterable[str] = (),
    names: NameIndex | None = None,
    staff_names: Iterable[str] = (),
) -> list[Finding]:
    """The findings in ``text`` for a caseload (see ``Scanner``)."""
    return Scanner(list(case_ids), names, list(staff_names)).scan(text)
