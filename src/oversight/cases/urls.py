from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("people/<int:pk>/children/", views.caseload, name="caseload"),
    path("children/<int:pk>/review/new/", views.review_new, name="review_new"),
    path("case-reviews/<int:pk>/", views.review_detail, name="review"),
    path("case-reviews/<int:pk>/case-note.txt", views.case_note_txt, name="case_note_txt"),
    path("case-reviews/<int:pk>/case-note.pdf", views.case_note_pdf, name="case_note_pdf"),
]
