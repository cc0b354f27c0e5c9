from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from oversight.people import views as people_views

urlpatterns = [
    path("", people_views.start, name="start"),
    path("home/", people_views.home, name="home"),
    path("", include("oversight.policies.urls")),
    path("", include("oversight.people.urls")),
    path("", include("oversight.sessions.urls")),
    path("", include("oversight.records.urls")),
    path("", include("oversight.audit.urls")),
    path("", include("oversight.supervision.urls")),
    path("", include("oversight.cases.urls")),
    path("sign-in/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
