from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("relationships/<int:pk>/agreement/new/", views.agreement_new, name="agreement_new"),
    path("relationships/<int:pk>/change/", views.relationship_change, name="change"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/sign/", views.agreement_sign, name="agreement_sign"),
    path("agreements/<int:pk>/review/", views.agreement_review, name="agreement_review"),
]
