"""The policy packs in the browser: the start page, one page per pack, and a comparison."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from oversight.policy import shipped_packs
from oversight.policy.describe import comparison_rows, rule_summary
from oversight.policy.reflective import reflective_for


def pack_list(request: HttpRequest) -> HttpResponse:
    """Start page: every loaded policy pack with its council, document and date."""
    return render(
        request, "policies/pack_list.html", {"packs": list(shipped_packs().values()), "nav_section": "policies"}
    )


def pack_detail(request: HttpRequest, pack_id: str) -> HttpResponse:
    pack = shipped_packs().get(pack_id)
    if pack is None:
        raise Http404("No such policy pack")
    rules = [
        {"id": rule.id, "summary": rule_summary(rule), "source": pack.cite(rule), "interpretation": rule.interpretation}
        for rule in pack.all_rules()
    ]
    return render(
        request, "policies/pack_detail.html", {"pack": pack, "rules": rules, "reflective": reflective_for(pack.id)}
    )


def pack_compare(request: HttpRequest) -> HttpResponse:
    """Packs side by side, topic by topic (``?packs=a&packs=b``; every pack when none chosen).
    Unknown pack ids, or fewer than two, give an error message on the ``packs`` field."""
    all_packs = shipped_packs()
    chosen = list(dict.fromkeys(request.GET.getlist("packs"))) or list(all_packs)
    unknown = [pack_id for pack_id in chosen if pack_id not in all_packs]
    error = ""
    if unknown:
        error = "Choose policy packs from the list: there is no pack " + ", ".join(unknown)
    elif len(chosen) < 2:
        error = "Choose at least 2 policy packs to compare"
    packs = [all_packs[pack_id] for pack_id in chosen if pack_id in all_packs]
    rows = []
    if not error:
        rows = [
            {"topic": topic, "cells": cells, "differs": len(set(cells)) > 1} for topic, cells in comparison_rows(packs)
        ]
    return render(
        request,
        "policies/compare.html",
        {
            "all_packs": list(all_packs.values()),
            "chosen": {pack.id for pack in packs},
            "packs": packs,
            "rows": rows,
            "error": error,
            "differing": sum(1 for row in rows if row["differs"]),
            "nav_section": "policies",
        },
    )
