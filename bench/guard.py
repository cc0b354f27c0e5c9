"""The child-data guard measured (issue 9): precision and recall per kind of finding, and overall, on
the labelled sentences in bench/guard/labelled.yaml (written for this, every child made up).

    python bench/guard.py [--set bench/guard/labelled.yaml] [--misses]

A finding is right when it is of the labelled kind and overlaps the labelled text; each label is
matched at most once. The caseload's names are hashed with a fixed bench key, as the application
hashes them with its key (oversight.guard.keys). No Django, no database: the scanner alone.
tests/test_guard_bench.py asserts the goals (recall at least 0.95 on IDs and caseload names).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from oversight.guard.scanner import KINDS, NameIndex, Scanner, name_digests  # noqa: E402

DEFAULT_SET = REPO / "bench" / "guard" / "labelled.yaml"
BENCH_KEY = b"oversight bench key: not a secret"


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Result:
    sentences: int
    by_kind: dict[str, Tally]
    seconds: float
    misses: list[str] = field(default_factory=list)

    @property
    def overall(self) -> Tally:
        return Tally(*(sum(getattr(t, part) for t in self.by_kind.values()) for part in ("tp", "fp", "fn")))


def scanner_for(data: dict[str, Any]) -> Scanner:
    digests: dict[str, str] = {}
    for child in data["caseload"]:
        for digest in name_digests(BENCH_KEY, child.get("first", ""), child.get("last", "")):
            digests[digest] = str(child["case_id"])
    return Scanner(
        [str(c["case_id"]) for c in data["caseload"]], NameIndex(BENCH_KEY, digests), list(data.get("staff", []))
    )


def measure(path: Path = DEFAULT_SET) -> Result:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    scanner = scanner_for(data)
    scanner.scan("warm up")  # the engine is built once per process; not part of the timing
    by_kind = {kind: Tally() for kind in KINDS}
    misses: list[str] = []
    started = time.perf_counter()
    for item in data["sentences"]:
        text = item["text"]
        found = scanner.scan(text)
        expected = []
        for kind, snippet in item["expect"]:
            at = text.find(str(snippet))
            assert at >= 0, f"label {snippet!r} is not in {text!r}"
            expected.append((kind, at, at + len(str(snippet))))
        matched: set[int] = set()
        for finding in found:
            hit = next(
                (
                    i
                    for i, (kind, start, end) in enumerate(expected)
                    if i not in matched and kind == finding.kind and finding.start < end and start < finding.end
                ),
                None,
            )
            if hit is None:
                by_kind[finding.kind].fp += 1
                misses.append(f"FP {finding.kind:<14} {finding.text!r} in {text!r}")
            else:
                matched.add(hit)
                by_kind[finding.kind].tp += 1
        for i, (kind, start, end) in enumerate(expected):
            if i not in matched:
                by_kind[kind].fn += 1
                misses.append(f"FN {kind:<14} {text[start:end]!r} in {text!r}")
    return Result(len(data["sentences"]), by_kind, time.perf_counter() - started, misses)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET)
    parser.add_argument("--misses", action="store_true", help="print each false positive and false negative")
    args = parser.parse_args(argv)
    result = measure(args.set)
    print(f"child-data guard: {result.sentences} labelled sentences ({args.set.relative_to(REPO)})")
    print(f"{'kind':<16}{'labels':>8}{'found':>8}{'precision':>11}{'recall':>8}")
    for kind, tally in [*result.by_kind.items(), ("overall", result.overall)]:
        print(f"{kind:<16}{tally.tp + tally.fn:>8}{tally.tp + tally.fp:>8}{tally.precision:>11.3f}{tally.recall:>8.3f}")
    print(f"scan time: {result.seconds * 1000 / max(result.sentences, 1):.2f} ms a sentence")
    if args.misses:
        print("\n".join(result.misses) or "no misses")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
