"""``oversight retention --dry-run | --apply [--today YYYY-MM-DD] [--organisation SLUG]``.

Per organisation: the rule in force, the leavers past their period with what deleting
their supervision file takes, and separately those under a legal hold (never deleted).
``--apply`` deletes exactly what ``--dry-run`` lists: both print the same plan
(oversight.retention.selectors.retention_plan), and --apply then deletes it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from oversight.organisations.models import Organisation
from oversight.retention.selectors import NO_RULE, LeaverPlan, OrganisationPlan, counts_text, retention_plan
from oversight.retention.services import retention_apply


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today: expected YYYY-MM-DD, got {value!r}") from None


def _staff_record(leaver: LeaverPlan) -> str:
    if leaver.person_deletable:
        return "deleted"
    return "kept: still named by " + counts_text(leaver.kept_references)


class Command(BaseCommand):
    help = "Delete leavers' supervision files past the retention period (--dry-run lists, --apply deletes)."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--dry-run", action="store_true", help="list what --apply would delete; change nothing")
        mode.add_argument("--apply", action="store_true", help="delete it, leaving a marker and an audit event each")
        parser.add_argument("--today", type=_date, help="the date to judge by (default: today)")
        parser.add_argument("--organisation", metavar="SLUG", help="only this organisation")

    def handle(self, *args: Any, **options: Any) -> None:
        today: date = options["today"] or timezone.localdate()
        organisations = Organisation.objects.order_by("name")
        if options["organisation"]:
            organisations = organisations.filter(slug=options["organisation"])
            if not organisations.exists():
                raise CommandError(f"--organisation: no organisation {options['organisation']!r}")
        apply = options["apply"]
        self.stdout.write(
            f"Retention as of {today.isoformat()}: "
            + ("deleting (--apply)" if apply else "dry run, nothing is deleted (--apply deletes exactly this)")
        )
        deleted = skipped = 0
        for organisation in organisations:
            plan = retention_plan(organisation, today)
            self._print_plan(plan, apply)
            if apply and plan.due:
                for result in retention_apply(plan=plan):
                    if result.marker is not None:
                        deleted += 1
                        note = (
                            ""
                            if result.matches_plan
                            else f" (differs from the plan: {counts_text(result.marker.counts)})"
                        )
                        self.stdout.write(f"    deleted {result.leaver.staff_id}: marker #{result.marker.pk}{note}")
                    else:
                        skipped += 1
                        self.stdout.write(f"    NOT deleted {result.leaver.staff_id}: {result.skipped}")
        if apply:
            self.stdout.write(f"\nDeleted the files of {deleted} leaver(s); {skipped} not deleted.")
        if skipped:
            raise CommandError(f"{skipped} leaver(s) could not be deleted: see above", returncode=1)

    def _print_plan(self, plan: OrganisationPlan, apply: bool) -> None:
        org = plan.organisation
        self.stdout.write(f"\n{org.name} [{org.slug}], policy {org.policy_pack}")
        if plan.basis is None:
            self.stdout.write(f"  {NO_RULE}: nothing is deleted ({plan.leavers_kept_without_rule} leaver(s) kept)")
            return
        self.stdout.write(f"  rule: {plan.basis.describe()}")
        if plan.warning:
            self.stdout.write(f"  WARNING: {plan.warning}")
        self.stdout.write(f"  Past their period, to be deleted: {len(plan.due)}")
        for p in plan.due:
            self.stdout.write(
                f"    {p.staff_id}  left {p.left.isoformat()}  due {p.due.isoformat()}  rule {p.basis.rule_id} ({p.basis.source})"
            )
            self.stdout.write(f"      {'deleting' if apply else 'would delete'}: {counts_text(p.counts)}")
            self.stdout.write(f"      staff record: {_staff_record(p)}")
            if p.unlinked:
                self.stdout.write(f"      links emptied on rows that stay: {counts_text(p.unlinked)}")
        accounts = [p.staff_id for p in plan.due if p.has_user and p.person_deletable]
        if accounts:
            self.stdout.write(f"    sign-in accounts {'closed' if apply else 'to be closed'}: {', '.join(accounts)}")
        self.stdout.write(f"  Past their period, under legal hold (not deleted): {len(plan.held)}")
        for p in plan.held:
            self.stdout.write(
                f"    {p.staff_id}  left {p.left.isoformat()}  due {p.due.isoformat()}  "
                f"legal hold since {p.hold_since.isoformat() if p.hold_since else '?'}"
            )
        if plan.kept:
            self.stdout.write(f"  Past their period, nothing left to delete, staff record kept: {len(plan.kept)}")
            for p in plan.kept:
                self.stdout.write(f"    {p.staff_id}: still named by {counts_text(p.kept_references)}")
        if plan.blocked:
            self.stdout.write(f"  Past their period, file cannot be deleted: {len(plan.blocked)}")
            for p in plan.blocked:
                self.stdout.write(f"    {p.staff_id}: rows that stay point into it: {counts_text(p.blocked)}")
