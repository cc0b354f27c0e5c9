"""Sign-in, sign-out, the lockout page and the two-factor pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from mozilla_django_oidc import views as oidc_views

from .forms import SecurityCodeForm, SignInForm
from .second_factor import (
    confirmed_device,
    device_confirm,
    device_qr_svg,
    device_secret,
    device_throttled,
    device_verify,
    enrolment_device,
    is_verified,
    second_factor_required,
)


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    form_class = SignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = context["form"].styled()
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["oidc_label"] = getattr(settings, "OIDC_SIGN_IN_LABEL", "")
        context["single_sign_on_failed"] = self.request.GET.get("single-sign-on") == "failed"
        return context


sign_in = SignInView.as_view()
sign_out = auth_views.LogoutView.as_view()


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE). The same page for a username
    that exists and one that does not, and it names neither the username nor the count."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    # django-axes puts its defaults on settings when it loads, which django-stubs cannot see.
    status = settings.AXES_HTTP_RESPONSE_CODE  # type: ignore[misc]
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=status)


def _next_url(request: HttpRequest) -> str:
    """Where to go once the second factor is done: the page asked for, if it is ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure()):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def _with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url != settings.LOGIN_REDIRECT_URL else url


@never_cache  # the page holds the new secret
@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: its QR code and secret, confirmed with one code from it."""
    user, next_url = request.user, _next_url(request)
    if not second_factor_required(user) or is_verified(user):
        return HttpResponseRedirect(next_url)
    if confirmed_device(user) is not None:
        return redirect(_with_next("two_factor_verify", next_url))
    device = enrolment_device(user)
    form = SecurityCodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if device_throttled(device):
            form.too_many_tries()
        elif device_confirm(request=request, device=device, code=form.cleaned_data["code"]):
            messages.success(request, "Your authenticator app is set up")
            return HttpResponseRedirect(next_url)
        else:
            form.wrong_code()
    context = {
        "form": form.styled(),
        "qr_svg": device_qr_svg(device),
        "secret": device_secret(device),
        "next": next_url,
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Enter a code from the authenticator app set up before."""
    user, next_url = request.user, _next_url(request)
    if not second_factor_required(user) or is_verified(user):
        return HttpResponseRedirect(next_url)
    device = confirmed_device(user)
    if device is None:
        return redirect(_with_next("two_factor_setup", next_url))
    form = SecurityCodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        if device_throttled(device):
            form.too_many_tries()
        elif device_verify(request=request, code=form.cleaned_data["code"]):
            return HttpResponseRedirect(next_url)
        else:
            form.wrong_code()
    return render(request, "accounts/two_factor_verify.html", {"form": form.styled(), "next": next_url})


def _oidc_only(view: Any) -> Any:
    def wrapped(request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not set up")
        return view(request)

    return wrapped


# mozilla-django-oidc's views, built per request (they read their settings when made) and
# there only when OVERSIGHT_OIDC_* is set.
oidc_start = _oidc_only(lambda request: oidc_views.OIDCAuthenticationRequestView.as_view()(request))
oidc_callback = _oidc_only(lambda request: oidc_views.OIDCAuthenticationCallbackView.as_view()(request))
