"""The supervision file's part of a subject access bundle (oversight.retention.subject_access):
every item in the person's file, confidential ones included (they are the person's own), with
every version kept and every dated step, other staff named by role only."""

from __future__ import annotations

from oversight.people.models import Person
from oversight.retention.subject_access import Entry, Part, Redactor

from .kinds import kinds_for
from .models import FileItem
from .selectors import answers


def part(person: Person, redactor: Redactor) -> Part:
    kinds = kinds_for(person.organisation)
    by_id = {k.id: k for k in kinds.kinds}
    items = (
        FileItem.objects.filter(person=person)
        .select_related("created_by", "updated_by", "relationship__supervisor", "previous_relationship__supervisor")
        .prefetch_related("versions__by", "events__by")
        .order_by("on", "pk")
    )
    entries = []
    item_ids = []
    for i, item in enumerate(items):
        item_ids.append(item.pk)
        kind = by_id.get(item.kind)
        path = f"supervision_file[{i}]"
        facts = [
            ("Part of the file", item.part.replace("_", " ").capitalize()),
            ("Date", item.on.isoformat()),
            ("Confidential", "Yes" if item.confidential else "No"),
            ("Written by", redactor.who(item.created_by, f"{path}.created_by")),
            ("Last changed by", redactor.who(item.updated_by, f"{path}.updated_by")),
            ("Versions", str(item.version)),
        ]
        if item.closed_on is not None:
            facts.append(("Closed", item.closed_on.isoformat()))
        if item.relationship is not None:
            facts.append(("Supervisor", redactor.who(item.relationship.supervisor, f"{path}.supervisor")))
        texts = [
            (a.label, redactor.text("\n".join(a.lines) if a.lines else a.text, f"{path}.content.{j}"))
            for j, a in enumerate(answers(kind, item.content or {}))
        ]
        for j, event in enumerate(item.events.all().order_by("on", "pk")):
            step = kind.step(event.kind) if kind is not None else None
            label = step.label if step is not None else (kind.review_label if kind is not None else event.kind)
            who = redactor.who(event.by, f"{path}.events[{j}].by")
            note = redactor.text(event.note, f"{path}.events[{j}].note")
            texts.append((f"{label}, {event.on.isoformat()}, by {who}", note))
        for j, version in enumerate(item.versions.all().order_by("version")):
            if version.version == item.version:
                continue  # the current version is the item as shown above
            earlier = "; ".join(
                f"{a.label}: {'; '.join(a.lines) if a.lines else a.text}" for a in answers(kind, version.content or {})
            )
            who = redactor.who(version.by, f"{path}.versions[{j}].by")
            texts.append(
                (
                    f"Version {version.version}, {version.edited_on.isoformat()}, by {who}",
                    redactor.text(earlier, f"{path}.versions[{j}].content"),
                )
            )
        entries.append(Entry(title=kind.label if kind is not None else item.kind, facts=facts, texts=texts))
    return Part(
        key="supervision_file",
        title="Your supervision file",
        note="Preparation, self-care, objectives, performance and the other items kept in your supervision "
        "file, with earlier versions and each review or step.",
        entries=entries,
        audit_objects={FileItem._meta.label_lower: item_ids},
    )
