"""The policy packs in the browser: the start page and one page per pack."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from oversight.policy import shipped_packs
from oversight.policy.describe import rule_summary


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
    return render(request, "policies/pack_detail.html", {"pack": pack, "rules": rules})
