"""The ``oversight`` command.

Our own subcommands (``check``, ``policy``, ``generate``) run without Django;
every other word is handed to Django's management commands
(``oversight migrate``, ``oversight runserver`` ...).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from .policy.describe import text_table

OWN_COMMANDS = ("check", "policy", "generate")
STATUS_ORDER = {
    "overdue": 0,
    "exceeded": 0,
    "short": 0,
    "needs_cover": 0,
    "pending": 1,
    "upcoming": 2,
    "late": 3,
    "deemed_agreed": 4,
    "met": 5,
    "ok": 6,
}


class CommandError(Exception):
    """A user error: printed as one line on stderr, exit code 2."""


def _fail(message: str) -> int:
    print(message.replace("\n", " "), file=sys.stderr)
    return 2


def _person_of(ob: dict[str, Any]) -> set[str]:
    return {str(ob[key]) for key in ("person", "supervisee", "worker", "supervisor") if ob.get(key)}


def format_table(report: dict[str, Any], person: str | None) -> str:
    """Obligations as a text table, sorted by status then due date."""
    obligations = report["obligations"]
    if person is not None:
        obligations = [ob for ob in obligations if person in _person_of(ob)]
    obligations = sorted(
        obligations, key=lambda ob: (STATUS_ORDER.get(ob["status"], 9), ob.get("due") or "9999", ob["id"])
    )
    headers = ("status", "due", "obligation", "rule", "source")
    rows = [(ob["status"], ob.get("due") or "-", ob["id"], ob["rule"], ob["source"]) for ob in obligations]
    title = f"Policy {report['policy']} as of {report['as_of']}" + (f", person {person}" if person else "")
    return title + "\n" + text_table(headers, rows) + ("" if rows else "\n(no obligations)")


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from .policy import ScenarioError, evaluate, parse_scenario

    path = Path(args.scenario)
    try:
        text = path.read_bytes() if str(path) != "-" else sys.stdin.buffer.read()
    except OSError as exc:
        return _fail(f"scenario: cannot read {args.scenario}: {exc.strerror}")
    import gc

    gc.freeze()  # a scenario is hundreds of thousands of objects that live to the end: don't scan them
    try:
        scenario, pack = parse_scenario(text)
    except ScenarioError as exc:
        return _fail(str(exc))
    del text  # the input bytes are not needed once decoded
    if args.person is not None and args.person not in {p.id for p in scenario.people}:
        return _fail(f"--person: unknown person {args.person!r}")
    report = evaluate(scenario, pack)
    if args.format == "table":
        out.write(format_table(report, args.person) + "\n")
    else:
        import orjson  # fast, and writes dates as YYYY-MM-DD

        data = orjson.dumps(report)
        if out is sys.stdout:
            out.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.write(b"\n")
        else:
            out.write(data.decode() + "\n")
    return 0


def cmd_policy(args: argparse.Namespace, out: TextIO) -> int:
    from .policy import PackError, load_pack_file, shipped_packs
    from .policy.describe import describe_pack

    if args.policy_command == "list":
        packs = shipped_packs()
        rows = [(p.id, p.council, p.document, p.date) for p in packs.values()]
        out.write(text_table(("id", "council", "document", "date"), rows, rule=False) + "\n")
        return 0
    if args.policy_command == "show":
        packs = shipped_packs()
        if args.id not in packs:
            return _fail(f"id: unknown policy {args.id!r} (known: {', '.join(sorted(packs))})")
        out.write(describe_pack(packs[args.id]) + "\n")
        return 0
    if args.policy_command == "lint":
        try:
            pack = load_pack_file(args.file)
        except OSError as exc:
            return _fail(f"{args.file}: cannot read: {exc.strerror}")
        except PackError as exc:
            for path, message in exc.errors:
                print(f"{args.file}: {path}: {message}", file=sys.stderr)
            return 2
        out.write(f"{args.file}: ok, policy {pack.id} with {len(pack.all_rules())} rules\n")
        return 0
    if args.policy_command == "compare":
        from .policy.describe import compare_packs

        packs = shipped_packs()
        for pid in args.ids:
            if pid not in packs:
                return _fail(f"ids: unknown policy {pid!r} (known: {', '.join(sorted(packs))})")
        out.write(compare_packs([packs[p] for p in args.ids]) + "\n")
        return 0
    raise CommandError("policy: say list, show ID, lint FILE or compare ID ID ...")


def cmd_generate(args: argparse.Namespace, out: TextIO) -> int:
    from .policy import shipped_packs
    from .policy.generate import write_scenario

    if args.policy not in shipped_packs():
        return _fail(f"--policy: unknown policy {args.policy!r} (known: {', '.join(sorted(shipped_packs()))})")
    for name in ("staff", "children", "years"):
        if getattr(args, name) < (1 if name != "children" else 0):
            return _fail(f"--{name}: must be at least {1 if name != 'children' else 0}")
    write_scenario(
        out,
        staff=args.staff,
        children=args.children,
        years=args.years,
        seed=args.seed,
        policy=args.policy,
        as_of=args.as_of,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oversight", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="compute the obligations of a scenario (see the conformance contract)")
    check.add_argument("scenario", help="scenario JSON file, or - for standard input")
    check.add_argument("--format", choices=("json", "table"), default="json")
    check.add_argument("--person", help="with --format table: only this person's obligations")
    check.set_defaults(handler=cmd_check)

    policy = sub.add_parser("policy", help="list, show, lint and compare policy packs")
    policy_sub = policy.add_subparsers(dest="policy_command", required=True)
    policy_sub.add_parser("list", help="the packs shipped with Oversight")
    show = policy_sub.add_parser("show", help="every rule of a pack with its source")
    show.add_argument("id")
    lint = policy_sub.add_parser("lint", help="validate a pack YAML file")
    lint.add_argument("file")
    compare = policy_sub.add_parser("compare", help="set packs side by side, rule by rule")
    compare.add_argument("ids", nargs="+")
    policy.set_defaults(handler=cmd_policy)

    generate = sub.add_parser("generate", help="write a realistic scenario to stdout")
    generate.add_argument("--staff", type=int, default=300)
    generate.add_argument("--children", type=int, default=2000)
    generate.add_argument("--years", type=int, default=2)
    generate.add_argument("--seed", type=int, default=1)
    generate.add_argument("--policy", default="leeds-2023")
    generate.add_argument("--as-of", default="2026-11-02", help="the scenario's as_of date (YYYY-MM-DD)")
    generate.set_defaults(handler=cmd_generate)
    return parser


def run_django(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["oversight", *argv])
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "manage":
        # `oversight manage check --deploy`: any Django command by its own name, since
        # `oversight check` belongs to the policy engine.
        return run_django(argv[1:] or ["help"])
    if argv and argv[0] not in OWN_COMMANDS and argv[0] not in ("-h", "--help"):
        return run_django(argv)
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args, sys.stdout))
    except CommandError as exc:
        return _fail(str(exc))
    except BrokenPipeError:
        return 0
    except Exception as exc:  # never a traceback for a user
        return _fail(f"oversight {args.command}: unexpected error: {type(exc).__name__}: {exc}")


if __name__ == "__main__":
    sys.exit(main())
