from django.urls import path

from . import views

urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("sign-in/council/", views.oidc_start, name="oidc_authentication_init"),
    path("sign-in/council/callback/", views.oidc_callback, name="oidc_authentication_callback"),
    path("account/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
]
