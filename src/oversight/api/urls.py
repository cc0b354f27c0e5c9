from django.urls import path
from rest_framework.routers import SimpleRouter

from . import docs, imports, quality_files, views

app_name = "api"

router = SimpleRouter()
router.register("people", views.PersonViewSet, basename="person")
router.register("relationships", views.RelationshipViewSet, basename="relationship")
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("sessions", views.SessionViewSet, basename="session")
router.register("records", views.RecordViewSet, basename="record")
router.register("case-directions", views.CaseDirectionViewSet, basename="case-direction")
router.register("obligations", views.ObligationViewSet, basename="obligation")
router.register("imports", imports.ImportViewSet, basename="import")
router.register("quality/audits", quality_files.AuditViewSet, basename="quality-audit")
router.register("quality/observations", quality_files.ObservationViewSet, basename="quality-observation")
router.register("quality/training", quality_files.TrainingViewSet, basename="quality-training")

urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.docs, name="docs"),
    *router.urls,
]
